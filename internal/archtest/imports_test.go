// Package archtest keeps the shape the code was given: which packages may talk to Temporal.
package archtest

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/winback/winback/internal/testenv"
)

// imports lists the imports of each Go file of a package folder, by file name.
func imports(t *testing.T, dir string) map[string][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(testenv.RepoRoot(), dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("%s: no Go files (%v)", dir, err)
	}
	out := map[string][]string{}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			out[filepath.Base(file)] = append(out[filepath.Base(file)], path)
		}
	}
	return out
}

// The CLI, the inbox and the webhooks reach campaigns only through the campaigns client: none
// of their code imports the Temporal SDK's client (their tests neither: they share one fake of
// the campaigns client), and their own code imports nothing of Temporal at all. The launch and
// report libraries are held to the same rule. Only workflows/, worker/ (and its
// internal/workerapp), campaigns/ and config/ (which dials) talk to Temporal.
func TestOnlyTheCampaignsClientTalksToTemporal(t *testing.T) {
	for _, dir := range []string{"starter", "inbox", "webhooks", "launch", "report"} {
		usesClient := false
		for file, paths := range imports(t, dir) {
			test := strings.HasSuffix(file, "_test.go")
			for _, p := range paths {
				switch {
				case p == "go.temporal.io/sdk/client":
					t.Errorf("%s/%s imports the Temporal SDK's client: go through github.com/winback/winback/campaigns", dir, file)
				case !test && strings.HasPrefix(p, "go.temporal.io/"):
					t.Errorf("%s/%s imports %s: only the campaigns client talks to Temporal", dir, file, p)
				case p == "github.com/winback/winback/campaigns":
					usesClient = true
				}
			}
		}
		if !usesClient && slices.Contains([]string{"starter", "inbox", "webhooks"}, dir) {
			t.Errorf("%s does not use the campaigns client: how does it reach campaigns?", dir)
		}
	}
}
