package sqlite_test

// pathNames are the file names TestPathCharacters opens: each holds a character a
// file: URI gives a meaning to. Windows allows neither '?' nor ':' in a file's name
// ("j:k.db" would name a stream of the file "j"), so '&' and '=' stand in for the
// query's characters, and ';' for a parameter's.
var pathNames = []string{"a#b.db", "c&d=e.db", "f%41g.db", "h i.db", "j;k.db"}
