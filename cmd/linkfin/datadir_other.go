//go:build !windows

package main

// defaultDataName is the default data directory, as --data's help names it.
const defaultDataName = "$XDG_DATA_HOME/linkfin, else ~/.local/share/linkfin"

// defaultDataDir is the data directory where --data and LINKFIN_DATA name none.
var defaultDataDir = unixDataDir
