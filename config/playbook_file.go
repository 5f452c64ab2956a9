package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/winback/winback/workflows"
)

// ReadPlaybook reads a playbook file (YAML, or JSON, which YAML includes) over
// workflows.DefaultPlaybook and validates the result. Keys are the Playbook's JSON field
// names; a key left out keeps its default, nested objects (quietHours, frequencyCap) merge key
// by key, and lists replace the default list. Durations are strings: "72h", "7d", "2s".
// Errors name the file, line and key.
func ReadPlaybook(path string) (workflows.Playbook, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return workflows.Playbook{}, err
	}
	pb := workflows.DefaultPlaybook()
	if err := decodePlaybook(path, data, &pb); err != nil {
		return workflows.Playbook{}, err
	}
	if err := pb.Validate(); err != nil {
		return workflows.Playbook{}, fmt.Errorf("%s: %w", path, err)
	}
	return pb, nil
}

// loadPlaybook resolves the playbook: the default, or WINBACK_PLAYBOOK over it.
func loadPlaybook(src *source, p *problems) workflows.Playbook {
	path, set := src.get("WINBACK_PLAYBOOK")
	if !set {
		pb := workflows.DefaultPlaybook()
		if err := pb.Validate(); err != nil {
			p.addf("default playbook: %v", err) // a bug in workflows, caught by the tests
		}
		return pb
	}
	pb, err := ReadPlaybook(path)
	if err != nil {
		p.addf("%s: %v", src.origin("WINBACK_PLAYBOOK"), err)
	}
	return pb
}

// decodePlaybook overlays the YAML document in data, read from file, on pb.
func decodePlaybook(file string, data []byte, pb *workflows.Playbook) error {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: the file is empty", file)
		}
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := overlay(doc.Content[0], reflect.ValueOf(pb).Elem(), ""); err != nil {
		var ne *nodeError
		if errors.As(err, &ne) && ne.path == "" {
			return fmt.Errorf("%s:%d: %s", file, ne.line, ne.msg)
		}
		if errors.As(err, &ne) {
			return fmt.Errorf("%s:%d: %s: %s", file, ne.line, ne.path, ne.msg)
		}
		return err
	}
	return nil
}

// nodeError is what is wrong with one key of the file.
type nodeError struct {
	line      int
	path, msg string
}

func (e *nodeError) Error() string { return fmt.Sprintf("line %d: %s: %s", e.line, e.path, e.msg) }

var durationType = reflect.TypeFor[time.Duration]()

// overlay writes node n into v, walking the Playbook's types so durations parse with
// ParseDuration and unknown keys are caught, whatever fields workflows adds later.
func overlay(n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Tag == "!!null" {
		v.SetZero() // `holidays:` or `holidays: ~` clears the default
		return nil
	}
	fail := func(format string, args ...any) error {
		return &nodeError{n.Line, path, fmt.Sprintf(format, args...)}
	}
	switch {
	case v.Type() == durationType:
		if n.Kind != yaml.ScalarNode {
			return fail("want a duration like \"72h\" or \"7d\"")
		}
		d, err := ParseDuration(n.Value)
		if err != nil {
			return fail("%v", err)
		}
		v.SetInt(int64(d))
	case v.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return fail("want a mapping of keys to values")
		}
		fields := jsonFields(v.Type())
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			idx, ok := fields[k.Value]
			if !ok {
				return &nodeError{k.Line, join(path, k.Value), "unknown key (known: " + knownKeys(v.Type()) + ")"}
			}
			if err := overlay(n.Content[i+1], v.Field(idx), join(path, k.Value)); err != nil {
				return err
			}
		}
	case v.Kind() == reflect.Slice && needsWalk(v.Type().Elem()):
		if n.Kind != yaml.SequenceNode {
			return fail("want a list")
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			if err := overlay(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		v.Set(s)
	default:
		fresh := reflect.New(v.Type())
		if err := n.Decode(fresh.Interface()); err != nil {
			return fail("%s is not %s", shown(n), describe(v.Type()))
		}
		v.Set(fresh.Elem())
	}
	return nil
}

// needsWalk reports whether values of t hold durations or structs, which plain YAML decoding
// would get wrong (a duration is an int64 to it) or decode without catching unknown keys.
func needsWalk(t reflect.Type) bool {
	return t == durationType || t.Kind() == reflect.Struct
}

// jsonFields maps a struct's JSON field names to field indexes.
func jsonFields(t reflect.Type) map[string]int {
	out := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = i
		}
	}
	return out
}

func knownKeys(t reflect.Type) string {
	var names []string
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// shown prints a YAML node the way its author wrote it.
func shown(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return fmt.Sprintf("%q", n.Value)
	}
	return map[yaml.Kind]string{yaml.SequenceNode: "a list", yaml.MappingNode: "a mapping"}[n.Kind]
}

// describe names what a value of type t looks like, for error messages.
func describe(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list of " + strings.TrimPrefix(describe(t.Elem()), "a ") + "s"
	}
	return t.String()
}
