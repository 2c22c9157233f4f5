package main

import (
	"context"
	"fmt"
	"io"
)

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var sf storeFlags
	fs := newFlags("migrate", "migrate [--db DSN] [--data DIR]", stderr)
	sf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	s, err := openStore(ctx, &sf)
	if err != nil {
		return err
	}
	defer s.Close()
	// Every linkfin schema has the meta table: without it, the schema is new.
	_, err = s.Meta(ctx, metaLogKey)
	created := err != nil
	if err := s.Migrate(ctx); err != nil {
		return sf.named(err)
	}
	if created {
		where := redact(sf.db)
		if !isPostgres(sf.db) {
			where, _ = sf.sqlitePath()
		}
		fmt.Fprintf(stdout, "created the schema of a new %s database: %s\n", s.Dialect(), where)
		return nil
	}
	fmt.Fprintf(stdout, "%s database is up to date\n", s.Dialect())
	return nil
}
