package main

import (
	"path/filepath"
	"testing"
)

// TestDefaultDataDir: without --data or LINKFIN_DATA, the data directory is the
// system's place for a user's application data: XDG's on Unix, %LocalAppData% on
// Windows, each with its fallback under the home directory, and none without either.
func TestDefaultDataDir(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	for _, c := range []struct {
		name string
		f    func(func(string) string, string) string
		vars map[string]string
		home string
		want string
	}{
		{"unix, XDG_DATA_HOME", unixDataDir, map[string]string{"XDG_DATA_HOME": "/x", "LocalAppData": "/l"}, "/h", filepath.Join("/x", "linkfin")},
		{"unix, home", unixDataDir, map[string]string{"LocalAppData": "/l"}, "/h", filepath.Join("/h", ".local", "share", "linkfin")},
		{"unix, neither", unixDataDir, nil, "", ""},
		{"windows, LocalAppData", windowsDataDir, map[string]string{"LocalAppData": `C:\Users\a\AppData\Local`, "XDG_DATA_HOME": "/x"}, `C:\Users\a`,
			filepath.Join(`C:\Users\a\AppData\Local`, "linkfin")},
		{"windows, home", windowsDataDir, map[string]string{"XDG_DATA_HOME": "/x"}, "/h", filepath.Join("/h", "AppData", "Local", "linkfin")},
		{"windows, neither", windowsDataDir, nil, "", ""},
	} {
		if got := c.f(env(c.vars), c.home); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
