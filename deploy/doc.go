// Package deploy holds the files of the Docker Compose deployment (../docker-compose.yml): the
// Prometheus configuration, the Grafana dashboard, the proxy in front of the workers, the Temporal
// setup scripts and the image's health check, plus the tests that check they all fit together
// and scale, since no Docker engine runs in CI. cluster/ holds the
// config of the Temporal server that `make cluster` and the tests' testenv.StartCluster run on
// PostgreSQL without Docker.
package deploy
