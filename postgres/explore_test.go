package postgres_test

import (
	"context"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

const upd = `UPDATE accounts AS a SET flags = u.flags,
		debits_pending = u.debits_pending, debits_posted = u.debits_posted,
		credits_pending = u.credits_pending, credits_posted = u.credits_posted,
		last_transfer = u.last_transfer
	FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[])
		AS u(id, flags, debits_pending, debits_posted, credits_pending, credits_posted, last_transfer)
	WHERE a.id = u.id`

func TestExplore(t *testing.T) {
	if os.Getenv("LFEXPLORE") == "" {
		t.Skip()
	}
	ctx := context.Background()
	db := openSchema(t)
	_ = db
	conn, err := pgx.Connect(ctx, freshSchemaURLOf(t, db))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, s := range []string{
		`INSERT INTO accounts SELECT g, 1, 'CNY', 1, 0, 0,0,0,0, g, 0 FROM generate_series(1,100000) g`,
		`VACUUM ANALYZE accounts`,
	} {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	q := os.Getenv("LFQUERY")
	if q == "" {
		q = upd
	}
	for round := range 40 {
		seen := map[int64]bool{}
		for range 16384 {
			seen[1+rng.Int64N(100000)] = true
		}
		var ids []int64
		for id := range seen {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		n := len(ids)
		flags := make([]int32, n)
		v := make([]int64, n)
		for i := range v {
			v[i] = int64(round)
		}
		t0 := time.Now()
		tx, _ := conn.Begin(ctx)
		if pre := os.Getenv("LFPRE"); pre != "" {
			if _, err := tx.Exec(ctx, pre); err != nil {
				t.Fatal(err)
			}
		}
		if round == 39 {
			rows, err := tx.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS, WAL) "+q, ids, flags, v, v, v, v, v)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var s string
				rows.Scan(&s)
				t.Log(s)
			}
		} else if _, err := tx.Exec(ctx, q, ids, flags, v, v, v, v, v); err != nil {
			t.Fatal(err)
		}
		tx.Commit(ctx)
		t.Logf("round %d: %d rows %v", round, n, time.Since(t0))
	}
}
