package config

import (
	"errors"
	"fmt"
)

// problems collects every configuration error, so one failed start shows them all.
type problems struct{ errs []error }

func (p *problems) add(err error) {
	if err != nil {
		p.errs = append(p.errs, err)
	}
}

func (p *problems) addf(format string, args ...any) { p.add(fmt.Errorf(format, args...)) }

func (p *problems) none() bool { return len(p.errs) == 0 }

// err joins the problems, one a line; nil when there are none.
func (p *problems) err() error { return errors.Join(p.errs...) }
