package main

import (
	"errors"
	"fmt"
)

// Exit codes, the same for every command.
const (
	exitOK       = 0 // the command did what was asked
	exitFailed   = 1 // it could not: Temporal unreachable, campaign not found or already running...
	exitBadInput = 2 // bad usage or bad input: unknown flag, invalid CSV rows, answers rejected
)

// exitError carries an exit code with an error. A nil err means the command already told the
// user everything (a launch summary, a dry run with bad rows) and only the code is left.
type exitError struct {
	code int
	err  error
}

// Error is the wrapped error's message.
func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit code %d", e.code)
	}
	return e.err.Error()
}

// Unwrap gives errors.Is and errors.As the wrapped error.
func (e *exitError) Unwrap() error { return e.err }

// badInput marks err as the user's input being wrong (exit 2).
func badInput(err error) error { return &exitError{code: exitBadInput, err: err} }

// badInputf formats an error about the user's input (exit 2).
func badInputf(format string, args ...any) error { return badInput(fmt.Errorf(format, args...)) }

// exitWith ends the command with code and no further message.
func exitWith(code int) error { return &exitError{code: code} }

// exitCode maps the error a command returned to the process exit code: the code an exitError
// carries, otherwise 1 (the command failed).
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitFailed
}

// errorMessage is what the user reads for err; empty when the command already said it all.
func errorMessage(err error) string {
	var ee *exitError
	if errors.As(err, &ee) && ee.err == nil {
		return ""
	}
	return err.Error()
}
