package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/config"
)

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code int
		msg  string
	}{
		{nil, exitOK, ""},
		{errors.New("server down"), exitFailed, "server down"},
		{badInputf("row %d bad", 3), exitBadInput, "row 3 bad"},
		{fmt.Errorf("launch: %w", badInputf("bad")), exitBadInput, "launch: bad"},
		{exitWith(exitBadInput), exitBadInput, ""},
		{exitWith(exitFailed), exitFailed, ""},
	} {
		if got := exitCode(tc.err); got != tc.code {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.code)
		}
		if tc.err != nil {
			if got := errorMessage(tc.err); got != tc.msg {
				t.Errorf("errorMessage(%v) = %q, want %q", tc.err, got, tc.msg)
			}
		}
	}
}

func TestUnreachableTemporalExitsOne(t *testing.T) {
	var out, errOut strings.Builder
	a := newApp(strings.NewReader(""), &out, &errOut)
	a.loadConfig = func() (*config.Config, error) { return testConfig(), nil }
	a.connect = func(context.Context, *config.Config, *slog.Logger, time.Duration) (campaigns.API, func(), error) {
		return nil, nil, errors.New("connect to Temporal at 127.0.0.1:7233 (namespace default): connection refused")
	}
	if code := a.run([]string{"status", "C-1"}); code != exitFailed || !strings.Contains(errOut.String(), "is the server running") {
		t.Errorf("exit %d: %s", code, errOut.String())
	}
}

func TestBadConfigurationExitsOne(t *testing.T) {
	var out, errOut strings.Builder
	a := newApp(strings.NewReader(""), &out, &errOut)
	a.loadConfig = func() (*config.Config, error) { return nil, errors.New("WINBACK_TEAM: no such file") }
	if code := a.run([]string{"list"}); code != exitFailed || !strings.Contains(errOut.String(), "configuration: WINBACK_TEAM") {
		t.Errorf("exit %d: %s", code, errOut.String())
	}
}
