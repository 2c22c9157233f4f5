package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"linkfin"
)

var demoUser = regexp.MustCompile(`(?m)^  (\S+@demo) +(\S+)$`)

// signIn signs in over the API and answers the session's cookie, or "" and the status.
func signIn(t *testing.T, s *server, name, password string) (string, int) {
	t.Helper()
	body, _ := json.Marshal(linkfin.SignInIn{Name: name, Password: password})
	resp, err := s.client.Post("http://"+s.addr+"/v1/sessions", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "linkfin_session" {
			return c.Value, resp.StatusCode
		}
	}
	return "", resp.StatusCode
}

// TestDemoUsersAndUsersCLI: serve --demo prints a user per organization, who signs in;
// linkfin users makes, disables and resets a user over the API.
func TestDemoUsersAndUsersCLI(t *testing.T) {
	isolate(t)
	s := serve(t, "--data", t.TempDir(), "--demo")
	users := map[string]string{}
	for _, m := range demoUser.FindAllStringSubmatch(s.stdout.String(), -1) {
		users[m[1]] = m[2]
	}
	if len(users) != 9 || users["operator@demo"] == "" || users["tier1@demo"] == "" {
		t.Fatalf("demo users %v\n%s", users, s.stdout)
	}
	if cookie, status := signIn(t, s, "tier1@demo", users["tier1@demo"]); cookie == "" || status != http.StatusCreated {
		t.Fatalf("tier1@demo signs in: %d", status)
	}
	keys := map[string]string{}
	for _, m := range demoKey.FindAllStringSubmatch(s.stdout.String(), -1) {
		keys[strings.ToLower(m[1])] = m[2]
	}
	api := []string{"--url", "http://" + s.addr, "--key", keys["tier1"]}
	code, stdout, stderr := cli(t, append([]string{"users", "create", "--name", "clerk@tier1", "--role", "finance"}, api...)...)
	var made struct {
		linkfin.User
		Password string `json:"password"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &made) != nil || made.OrgID != "tier1" || len(made.Password) < 12 {
		t.Fatalf("users create: exit %d\n%s%s", code, stdout, stderr)
	}
	if cookie, _ := signIn(t, s, "clerk@tier1", made.Password); cookie == "" {
		t.Fatal("the user made by the CLI does not sign in")
	}
	if code, stdout, _ := cli(t, append([]string{"users", "list"}, api...)...); code != 0 || !strings.Contains(stdout, "clerk@tier1") ||
		strings.Contains(stdout, "anchor@demo") {
		t.Fatalf("users list: exit %d\n%s", code, stdout)
	}
	var reset struct {
		Password string `json:"password"`
	}
	code, stdout, _ = cli(t, append([]string{"users", "reset-password", made.ID}, api...)...)
	if code != 0 || json.Unmarshal([]byte(stdout), &reset) != nil || reset.Password == made.Password {
		t.Fatalf("users reset-password: exit %d\n%s", code, stdout)
	}
	if _, status := signIn(t, s, "clerk@tier1", made.Password); status != http.StatusUnauthorized {
		t.Fatalf("the old password: %d", status)
	}
	if code, _, _ := cli(t, append([]string{"users", "disable", made.ID}, api...)...); code != 0 {
		t.Fatal("users disable")
	}
	if _, status := signIn(t, s, "clerk@tier1", reset.Password); status != http.StatusUnauthorized {
		t.Fatalf("a disabled user signs in: %d", status)
	}
	// Another organization's admin finds no such user.
	other := []string{"--url", "http://" + s.addr, "--key", keys["tier2"]}
	if code, _, stderr := cli(t, append([]string{"users", "disable", made.ID}, other...)...); code != 1 || !strings.Contains(stderr, "not_found") {
		t.Fatalf("tier2 disables tier1's user: exit %d %s", code, stderr)
	}
}

// TestPasswordFromTerminal: users create --password-stdin on a terminal asks for the
// password on standard error and reads it without echo; the user made signs in with
// it. The terminal is util-linux's script's.
func TestPasswordFromTerminal(t *testing.T) {
	script, err := exec.LookPath("script")
	if err != nil || runtime.GOOS != "linux" {
		t.Skip("no util-linux script to run linkfin on a terminal")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	isolate(t)
	s := serve(t, "--data", t.TempDir(), "--demo")
	var key string
	for _, m := range demoKey.FindAllStringSubmatch(s.stdout.String(), -1) {
		if m[1] == "TIER1" {
			key = m[2]
		}
	}
	if key == "" {
		t.Fatalf("no demo key of tier1\n%s", s.stdout)
	}
	const password = "typed-Passw0rd-9f3k"
	cmd := exec.Command(script, "-q", "-e", "-c", "'"+self+"' users create --password-stdin --name typist --role viewer --url http://"+s.addr+" --key "+key, "/dev/null")
	cmd.Env = append(os.Environ(), "LINKFIN_TEST_AS_MAIN=1")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(out.String(), "Password: "); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no prompt for the password on a terminal:\n%q", out.String())
		}
	}
	time.Sleep(time.Second) // the prompt is written just before echo is turned off, on a machine that may be busy
	io.WriteString(in, password+"\n")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("users create on a terminal: %v\n%s", err, out.String())
	}
	if strings.Contains(out.String(), password) || !strings.Contains(out.String(), `"typist"`) {
		t.Fatalf("users create on a terminal echoed the password, or made no user:\n%s", out.String())
	}
	if cookie, status := signIn(t, s, "typist", password); cookie == "" {
		t.Fatalf("the user made with the password typed does not sign in: %d", status)
	}
}
