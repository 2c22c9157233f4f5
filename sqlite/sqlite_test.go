package sqlite_test

import (
	"testing"

	"linkfin"
	"linkfin/sqlite/sqlitetest"
	"linkfin/storetest"
)

func open(t *testing.T) linkfin.Store { return sqlitetest.Open(t) }

func TestConformance(t *testing.T) { storetest.Run(t, open) }
