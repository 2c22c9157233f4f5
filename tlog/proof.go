package tlog

import (
	"context"
	"errors"
	"fmt"

	sumtlog "golang.org/x/mod/sumdb/tlog"
)

// ErrProof reports a proof that does not hold.
var ErrProof = errors.New("tlog: proof does not verify")

// InclusionProof proves that leaf index is in tree t, reading hashes from stored tiles.
func InclusionProof(ctx context.Context, t Tree, index int64, tr TileReader) (sumtlog.RecordProof, error) {
	if index < 0 || index >= t.Size {
		return nil, fmt.Errorf("tlog: leaf %d is not in tree %d", index, t.Size)
	}
	p, err := sumtlog.ProveRecord(t.Size, index, tileHashes(ctx, t, tr))
	if err != nil {
		return nil, fmt.Errorf("tlog: prove leaf %d in tree %d: %w", index, t.Size, err)
	}
	return p, nil
}

// CheckInclusion checks that p proves tree t has leafHash as leaf index.
// It needs nothing but its arguments: a funder or auditor runs it offline
// against a checkpoint.
func CheckInclusion(p sumtlog.RecordProof, t Tree, index int64, leafHash sumtlog.Hash) error {
	if index < 0 || index >= t.Size {
		return fmt.Errorf("tlog: leaf %d is not in tree %d", index, t.Size)
	}
	if err := sumtlog.CheckRecord(p, t.Size, t.Hash, index, leafHash); err != nil {
		return fmt.Errorf("%w: leaf %d in tree %d: %v", ErrProof, index, t.Size, err)
	}
	return nil
}

// ConsistencyProof proves that tree t extends its prefix of oldSize leaves,
// reading hashes from stored tiles. Every tree extends the empty tree: the
// proof for oldSize 0 is empty.
func ConsistencyProof(ctx context.Context, t Tree, oldSize int64, tr TileReader) (sumtlog.TreeProof, error) {
	if oldSize < 0 || oldSize > t.Size {
		return nil, fmt.Errorf("tlog: tree %d has no prefix of size %d", t.Size, oldSize)
	}
	if oldSize == 0 {
		return sumtlog.TreeProof{}, nil
	}
	p, err := sumtlog.ProveTree(t.Size, oldSize, tileHashes(ctx, t, tr))
	if err != nil {
		return nil, fmt.Errorf("tlog: prove tree %d extends tree %d: %w", t.Size, oldSize, err)
	}
	return p, nil
}

// CheckConsistency checks that p proves tree t extends tree old, offline.
func CheckConsistency(p sumtlog.TreeProof, t, old Tree) error {
	t, old = normalize(t), normalize(old)
	if old.Size < 0 || old.Size > t.Size {
		return fmt.Errorf("tlog: tree %d cannot extend tree %d", t.Size, old.Size)
	}
	if old.Size == 0 {
		if old.Hash != emptyHash || len(p) != 0 {
			return fmt.Errorf("%w: tree %d extends the empty tree, which has root %v", ErrProof, t.Size, emptyHash)
		}
		return nil
	}
	if err := sumtlog.CheckTree(p, t.Size, t.Hash, old.Size, old.Hash); err != nil {
		return fmt.Errorf("%w: tree %d extends tree %d: %v", ErrProof, t.Size, old.Size, err)
	}
	return nil
}
