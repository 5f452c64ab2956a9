package config

// minSecretLen is the shortest signing secret accepted, in bytes.
const minSecretLen = 16

// loadSecret reads a signing secret from NAME or NAME_FILE. When neither is set it stays empty,
// and OpenStore takes the deployment's own from the store, so every worker and the CLI share it.
func loadSecret(src *source, name string, p *problems) []byte {
	value, origin, err := src.secret(name)
	if err != nil {
		p.add(err)
		return nil
	}
	if value == "" {
		return nil
	}
	if len(value) < minSecretLen {
		p.addf("%s: is %d bytes, need at least %d (e.g. `openssl rand -hex 32`)", origin, len(value), minSecretLen)
		return nil
	}
	return []byte(value)
}
