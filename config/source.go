package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// source is where settings come from: the environment first, then the WINBACK_CONFIG file.
// An empty value counts as unset in both, so `FOO=` (common in compose files) means "default".
type source struct {
	lookup   func(string) (string, bool)
	environ  func() []string // nil when the caller cannot list its environment (LoadFrom)
	filePath string
	file     map[string]fileValue // by variable name
}

// fileValue is one setting read from the WINBACK_CONFIG file.
type fileValue struct {
	key, value string
	line       int
}

// grpcMetaPrefix is the envconfig variable family for gRPC headers (TEMPORAL_GRPC_META_<NAME>).
const grpcMetaPrefix = "TEMPORAL_GRPC_META_"

func newSource(lookup func(string) (string, bool), environ func() []string) (*source, error) {
	s := &source{lookup: lookup, environ: environ}
	path, ok := lookup("WINBACK_CONFIG")
	if !ok || path == "" {
		return s, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("WINBACK_CONFIG: %w", err)
	}
	file, err := parseConfigFile(path, data)
	if err != nil {
		return nil, err
	}
	s.filePath, s.file = path, file
	return s, nil
}

// configKey is the WINBACK_CONFIG key of a variable: its name without the WINBACK_ prefix, in
// lower case (WINBACK_HTTP_ADDR is http_addr, SENDGRID_API_KEY is sendgrid_api_key).
func configKey(variable string) string {
	return strings.ToLower(strings.TrimPrefix(variable, "WINBACK_"))
}

// parseConfigFile reads a flat YAML mapping of config keys to scalar values.
func parseConfigFile(path string, data []byte) (map[string]fileValue, error) {
	byKey := make(map[string]string, len(variables))
	for _, v := range variables {
		byKey[configKey(v)] = v
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) { // an empty file sets nothing
			return map[string]fileValue{}, nil
		}
		return nil, fmt.Errorf("WINBACK_CONFIG %s: %w", path, err)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("WINBACK_CONFIG %s:%d: want a mapping of keys to values, like `http_addr: 0.0.0.0:8080`", path, root.Line)
	}
	out := make(map[string]fileValue, len(root.Content)/2)
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		name, known := byKey[k.Value]
		if !known && strings.HasPrefix(k.Value, configKey(grpcMetaPrefix)) {
			name, known = strings.ToUpper(k.Value), true
		}
		switch {
		case !known:
			hint := "keys are variable names without WINBACK_, in lower case, e.g. http_addr"
			if _, ok := byKey[configKey(strings.ToUpper(k.Value))]; ok {
				hint = "did you mean " + configKey(strings.ToUpper(k.Value)) + "?"
			}
			return nil, fmt.Errorf("WINBACK_CONFIG %s:%d: unknown key %q (%s)", path, k.Line, k.Value, hint)
		case v.Kind != yaml.ScalarNode:
			return nil, fmt.Errorf("WINBACK_CONFIG %s:%d: %s: want a single value, not a list or mapping", path, k.Line, k.Value)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("WINBACK_CONFIG %s:%d: %s is set twice", path, k.Line, k.Value)
		}
		if v.Tag == "!!null" {
			continue
		}
		out[name] = fileValue{key: k.Value, value: v.Value, line: k.Line}
	}
	return out, nil
}

// get returns a variable's value from the environment, else from the config file.
func (s *source) get(name string) (string, bool) {
	if v, ok := s.lookup(name); ok && v != "" {
		return v, true
	}
	if fv, ok := s.file[name]; ok && fv.value != "" {
		return fv.value, true
	}
	return "", false
}

// getOr returns a variable's value, or def when it is unset.
func (s *source) getOr(name, def string) string {
	if v, ok := s.get(name); ok {
		return v
	}
	return def
}

// isSet reports whether a variable has a value in the environment or the file.
func (s *source) isSet(name string) bool {
	_, ok := s.get(name)
	return ok
}

// origin names where a variable's value came from, for error messages: the variable itself,
// or the file, line and key.
func (s *source) origin(name string) string {
	if v, ok := s.lookup(name); ok && v != "" {
		return name
	}
	if fv, ok := s.file[name]; ok {
		return fmt.Sprintf("%s:%d: %s", s.filePath, fv.line, fv.key)
	}
	return name
}

// secret reads a secret given either inline (NAME) or as a file (NAME_FILE, trimmed of
// surrounding whitespace). It returns "" when neither is set. Errors never include the value.
func (s *source) secret(name string) (value, origin string, err error) {
	inline, hasInline := s.get(name)
	path, hasFile := s.get(name + "_FILE")
	switch {
	case hasInline && hasFile:
		return "", name, fmt.Errorf("%s and %s_FILE are both set: keep one", name, name)
	case hasInline:
		return inline, s.origin(name), nil
	case !hasFile:
		return "", name, nil
	}
	origin = s.origin(name + "_FILE")
	data, err := os.ReadFile(path)
	if err != nil {
		return "", origin, fmt.Errorf("%s: %w", origin, err)
	}
	value = strings.TrimSpace(string(data))
	if value == "" {
		return "", origin, fmt.Errorf("%s: %s is empty", origin, path)
	}
	return value, origin, nil
}

// envLookup adapts a source to envconfig: same precedence, same empty-is-unset rule.
type envLookup struct{ s *source }

// LookupEnv implements envconfig.EnvLookup.
func (e envLookup) LookupEnv(name string) (string, bool) { return e.s.get(name) }

// Environ implements envconfig.EnvLookup. envconfig scans it only for TEMPORAL_GRPC_META_*;
// file entries come first so the environment wins.
func (e envLookup) Environ() []string {
	var out []string
	for name, fv := range e.s.file {
		if strings.HasPrefix(name, grpcMetaPrefix) {
			out = append(out, name+"="+fv.value)
		}
	}
	if e.s.environ != nil {
		out = append(out, e.s.environ()...)
	}
	return out
}
