package config

import (
	"fmt"
	"os"
)

const defaultDataDir = ".data"

// loadDirs reads the data folder (created later, when a secret is generated) and the optional
// templates folder, which must exist.
func loadDirs(src *source, p *problems) (dataDir, templatesDir string) {
	dataDir = src.getOr("WINBACK_DATA_DIR", defaultDataDir)
	if info, err := os.Stat(dataDir); err == nil && !info.IsDir() {
		p.addf("%s: %s is not a directory", src.origin("WINBACK_DATA_DIR"), dataDir)
	}
	templatesDir, set := src.get("WINBACK_TEMPLATES_DIR")
	if !set {
		return dataDir, ""
	}
	if err := checkDir(templatesDir); err != nil {
		p.addf("%s: %v", src.origin("WINBACK_TEMPLATES_DIR"), err)
	}
	return dataDir, templatesDir
}

// checkDir says what is wrong when path is not an existing directory.
func checkDir(path string) error {
	info, err := os.Stat(path)
	switch {
	case os.IsNotExist(err):
		return fmt.Errorf("%s does not exist", path)
	case err != nil:
		return err
	case !info.IsDir():
		return fmt.Errorf("%s is not a directory", path)
	}
	return nil
}
