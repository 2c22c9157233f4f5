package blocks

import "testing"

// Values taken are distinct, zero, and stay where they are when the block fills and a
// new one is made.
func TestTake(t *testing.T) {
	var block []int
	var taken []*int
	for i := range 10 {
		p := Take(&block, 4)
		if *p != 0 {
			t.Fatalf("value %d is %d, not zero", i, *p)
		}
		*p = i + 1
		taken = append(taken, p)
	}
	for i, p := range taken {
		if *p != i+1 {
			t.Fatalf("value %d reads %d, want %d", i, *p, i+1)
		}
	}
	if len(block) != 2 || cap(block) != 4 {
		t.Fatalf("the last block holds %d of %d, want 2 of 4", len(block), cap(block))
	}
	if taken[3] == taken[4] {
		t.Fatal("two values share a place")
	}
}
