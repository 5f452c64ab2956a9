package testenv

// PID is the dev server's process ID, or 0 when it is not running. Benchmarks read the
// server's CPU time and memory from /proc/<pid> with it.
func (s *DevServer) PID() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// PID is the process's ID, for reading its memory from /proc/<pid>/status.
func (p *Process) PID() int { return p.cmd.Process.Pid }
