package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// minSecretLen is the shortest signing secret accepted, in bytes.
const minSecretLen = 16

// loadSecret reads a signing secret from NAME or NAME_FILE. When neither is set it uses the
// one kept in dataDir/fileName, creating it (random, mode 0600) on first start, so links and
// sessions survive restarts. Nothing is written while other settings have problems.
func loadSecret(src *source, name, dataDir, fileName string, p *problems) []byte {
	value, origin, err := src.secret(name)
	if err != nil {
		p.add(err)
		return nil
	}
	if value != "" {
		if len(value) < minSecretLen {
			p.addf("%s: is %d bytes, need at least %d (e.g. `openssl rand -hex 32`)", origin, len(value), minSecretLen)
			return nil
		}
		return []byte(value)
	}
	if !p.none() {
		return nil
	}
	secret, err := keptSecret(filepath.Join(dataDir, fileName))
	if err != nil {
		p.addf("%s unset, and the generated one failed: %v (set %s, or make WINBACK_DATA_DIR writable)", name, err, name)
		return nil
	}
	return secret
}

// keptSecret returns the secret stored at path, creating it first if needed. Creation is safe
// against a concurrent start (worker and CLI): the file appears whole, by hard link, or not at all.
func keptSecret(path string) ([]byte, error) {
	if secret, err := readKeptSecret(path); !errors.Is(err, os.ErrNotExist) {
		return secret, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.WriteString(hex.EncodeToString(raw) + "\n")
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, werr
	}
	// CreateTemp makes the file 0600; Link never replaces a secret another process kept first.
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, err
	}
	return readKeptSecret(path)
}

func readKeptSecret(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	secret := strings.TrimSpace(string(data))
	if len(secret) < minSecretLen {
		return nil, fmt.Errorf("%s holds %d bytes, need at least %d: delete it to have a new one made", path, len(secret), minSecretLen)
	}
	return []byte(secret), nil
}
