package mt940_test

import (
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// wolphReading is what the Python library WoLpH/mt940 reads from one of its test files,
// as the .yml beside the file dumps it: the file's data (each key as the last statement
// that gives it leaves it) and every transaction of every statement, in order.
type wolphReading struct {
	data         map[string]*yaml.Node
	transactions []map[string]*yaml.Node
}

// loadWoLpH reads a .yml dump of WoLpH/mt940. The dump is of Python objects: this
// reads their fields and leaves the tags, and the alias by which each transaction
// points back at the whole, alone.
func loadWoLpH(t testing.TB, path string) wolphReading {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		t.Fatalf("%s: not one document", path)
	}
	root := fields(doc.Content[0])
	out := wolphReading{data: fields(root["data"])}
	if list := root["transactions"]; list != nil {
		for _, tx := range list.Content {
			out.transactions = append(out.transactions, fields(fields(tx)["data"]))
		}
	}
	return out
}

// fields is a mapping's values by key; nil for anything else.
func fields(n *yaml.Node) map[string]*yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		out[n.Content[i].Value] = n.Content[i+1]
	}
	return out
}

// text is a scalar's text, and false for a null or missing one.
func text(n *yaml.Node) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", false
	}
	return n.Value, true
}

// decimal is a Python Decimal's text ("-11.8").
func decimal(t testing.TB, n *yaml.Node) string {
	t.Helper()
	if n == nil || n.Kind != yaml.SequenceNode || len(n.Content) != 1 {
		t.Fatalf("not a Decimal: %v", n)
	}
	return n.Content[0].Value
}

// pickled are the bytes a Python date or datetime pickles itself to: year (two bytes),
// month, day, then hour, minute, …
func pickled(t testing.TB, n *yaml.Node) []byte {
	t.Helper()
	if n == nil || n.Kind != yaml.SequenceNode || len(n.Content) == 0 || n.Content[0].Tag != "!!binary" {
		t.Fatalf("not a pickled date: %v", n)
	}
	b, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(n.Content[0].Value, "\n", ""))
	if err != nil || len(b) < 4 {
		t.Fatalf("not a pickled date: %q", n.Content[0].Value)
	}
	return b
}

// wolphDate is a pickled date as "YYYY-MM-DD", "" for none.
func wolphDate(t testing.TB, n *yaml.Node) string {
	t.Helper()
	if n == nil || n.Tag == "!!null" {
		return ""
	}
	b := pickled(t, n)
	return fmt.Sprintf("%04d-%02d-%02d", int(b[0])<<8|int(b[1]), b[2], b[3])
}

// wolphDateTime is a pickled datetime as "YYYY-MM-DDTHH:MM".
func wolphDateTime(t testing.TB, n *yaml.Node) string {
	t.Helper()
	b := pickled(t, n)
	if len(b) < 6 {
		t.Fatalf("not a pickled datetime: %v", b)
	}
	return fmt.Sprintf("%04d-%02d-%02dT%02d:%02d", int(b[0])<<8|int(b[1]), b[2], b[3], b[4], b[5])
}

// wolphBalance is a balance as WoLpH reads it.
type wolphBalance struct {
	status, amount, currency, date string
}

// balance reads a WoLpH balance; ok is false when the data has none of that name.
func balance(t testing.TB, n *yaml.Node) (wolphBalance, bool) {
	t.Helper()
	f := fields(n)
	if f == nil {
		return wolphBalance{}, false
	}
	status, _ := text(f["status"])
	amount := fields(f["amount"])
	currency, _ := text(amount["currency"])
	return wolphBalance{status, decimal(t, amount["amount"]), currency, wolphDate(t, f["date"])}, true
}
