package postgres

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
)

// copyData is a stream in COPY's binary format (PostgreSQL manual, COPY, "Binary
// Format"), written by hand: a batch's rows hold only int8, int4, int2, text and bytea,
// and encoding them directly spares the hot path pgx's per-value type lookup and the
// boxing of every value in an interface. Each value must match its column's type
// exactly; the server rejects the COPY otherwise.
type copyData struct {
	b []byte
}

// copySignature is the 11-byte signature, a zero flags field and an empty header
// extension.
const copySignature = "PGCOPY\n\xff\r\n\x00" + "\x00\x00\x00\x00" + "\x00\x00\x00\x00"

var copyBuffers = sync.Pool{New: func() any { return new(copyData) }}

func (c *copyData) reset() { c.b = append(c.b[:0], copySignature...) }

// row starts a row of n fields.
func (c *copyData) row(n int) { c.b = binary.BigEndian.AppendUint16(c.b, uint16(n)) }

func (c *copyData) int8(v int64) {
	c.b = binary.BigEndian.AppendUint32(c.b, 8)
	c.b = binary.BigEndian.AppendUint64(c.b, uint64(v))
}

func (c *copyData) int4(v int32) {
	c.b = binary.BigEndian.AppendUint32(c.b, 4)
	c.b = binary.BigEndian.AppendUint32(c.b, uint32(v))
}

func (c *copyData) int2(v int16) {
	c.b = binary.BigEndian.AppendUint32(c.b, 2)
	c.b = binary.BigEndian.AppendUint16(c.b, uint16(v))
}

// text writes a text value; the binary form of text is its bytes.
func (c *copyData) text(s string) {
	c.b = binary.BigEndian.AppendUint32(c.b, uint32(len(s)))
	c.b = append(c.b, s...)
}

// null writes SQL NULL.
func (c *copyData) null() { c.b = binary.BigEndian.AppendUint32(c.b, 0xFFFFFFFF) }

func (c *copyData) bytea(v []byte) {
	c.b = binary.BigEndian.AppendUint32(c.b, uint32(len(v)))
	c.b = append(c.b, v...)
}

// copyIn inserts n rows into table (cols, in order) with one COPY in tx. row writes
// row i with the given number of fields.
func copyIn(ctx context.Context, tx pgx.Tx, table, cols string, fields, n int, row func(c *copyData, i int)) error {
	if n == 0 {
		return nil
	}
	c := copyBuffers.Get().(*copyData)
	defer copyBuffers.Put(c)
	c.reset()
	for i := range n {
		c.row(fields)
		row(c, i)
	}
	c.b = binary.BigEndian.AppendUint16(c.b, 0xffff) // the trailer
	tag, err := tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(c.b),
		`COPY `+table+` (`+cols+`) FROM STDIN (FORMAT binary)`)
	if err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	if got := tag.RowsAffected(); got != int64(n) {
		return fmt.Errorf("copy %s: %d of %d rows stored", table, got, n)
	}
	return nil
}
