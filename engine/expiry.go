package engine

type expiry struct {
	at int64
	id int64
}

// expiries are pending transfers due, taken off the queue.
type expiries []expiry

func (x expiries) ids() []int64 {
	ids := make([]int64, len(x))
	for i := range x {
		ids[i] = x[i].id
	}
	return ids
}

type expiryHeap []expiry

func (h expiryHeap) Len() int { return len(h) }

func (h expiryHeap) Less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].id < h[j].id
}

func (h expiryHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }

func (h *expiryHeap) Push(x any) { *h = append(*h, x.(expiry)) }

func (h *expiryHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
