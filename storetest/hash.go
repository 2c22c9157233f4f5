package storetest

import (
	"encoding/json"

	sumtlog "golang.org/x/mod/sumdb/tlog"
)

func sumRecordHash(b []byte) sumtlog.Hash { return sumtlog.RecordHash(b) }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
