package keyarena

import (
	"fmt"
	"strings"
	"testing"
)

func TestAddGet(t *testing.T) {
	var a Arena
	type added struct {
		prefix, key string
		ref         Ref
	}
	var all []added
	for i := range 200000 { // several chunks
		prefix := fmt.Sprintf("60/KH-SCT|I.%d", i/5)
		key := fmt.Sprintf("%s@2024-%02d|unit-%d", prefix, i%12+1, i%5)
		switch i % 7 {
		case 0:
			key = "other|" + key // without the prefix: stored whole
		case 1:
			key = prefix[:3] // shorter than the prefix
		case 2:
			key = ""
		}
		all = append(all, added{prefix, key, a.Add(prefix, key)})
	}
	long := strings.Repeat("x", 100000)
	all = append(all, added{"", long, a.Add("", long)})
	for i, x := range all {
		if got := a.Get(x.prefix, x.ref); got != x.key {
			t.Fatalf("Get(%q, %d) = %q, want %q", x.prefix, x.ref, got, x.key)
		}
		if i+1 < len(all) && a.Next(x.ref) != all[i+1].ref {
			t.Fatalf("Next(%d) = %d, want %d (key %d)", x.ref, a.Next(x.ref), all[i+1].ref, i+1)
		}
	}
	if a.Bytes() > 8<<20 {
		t.Errorf("arena holds %d bytes for 200,000 short keys stored without their prefix", a.Bytes())
	}
}
