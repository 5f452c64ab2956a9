// Command healthcheck is the Docker health check of the worker image, which is distroless and
// so has no shell, curl or wget. It exits 0 when the URL (default http://127.0.0.1:8080/healthz)
// answers 2xx within 3 seconds, and 1 otherwise.
package main

import (
	"fmt"
	"net/http"
	"os"
	"time"
)

func main() {
	url := "http://127.0.0.1:8080/healthz"
	if len(os.Args) > 1 {
		url = os.Args[1]
	}
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		fmt.Fprintln(os.Stderr, "unhealthy:", err)
		os.Exit(1)
	}
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		fmt.Fprintf(os.Stderr, "unhealthy: %s answered %s\n", url, resp.Status)
		os.Exit(1)
	}
}
