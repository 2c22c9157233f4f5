//go:build unix

package sqlite_test

// pathNames are the file names TestPathCharacters opens: each holds a character a
// file: URI gives a meaning to.
var pathNames = []string{"a#b.db", "c?d=e.db", "f%41g.db", "h i.db", "j:k.db"}
