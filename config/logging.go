package config

import (
	"log/slog"
	"strings"
)

// loadLogLevel reads WINBACK_LOG_LEVEL: debug, info (the default), warn or error.
func loadLogLevel(src *source, p *problems) slog.Level {
	raw, set := src.get("WINBACK_LOG_LEVEL")
	if !set {
		return slog.LevelInfo
	}
	switch strings.ToLower(raw) {
	case "debug":
		return slog.LevelDebug
	case "info":
		return slog.LevelInfo
	case "warn", "warning":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	p.addf("%s: %q is not a log level (debug, info, warn or error)", src.origin("WINBACK_LOG_LEVEL"), raw)
	return slog.LevelInfo
}
