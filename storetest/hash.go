package storetest

import sumtlog "golang.org/x/mod/sumdb/tlog"

func sumRecordHash(b []byte) sumtlog.Hash { return sumtlog.RecordHash(b) }
