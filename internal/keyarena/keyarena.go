// Package keyarena keeps many short keys in a few large byte chunks, so
// that a streaming pass can remember every key it saw for about the bytes
// of the key: no string header, no allocation per key, and no copy of a
// single growing slice (which needs twice its size while it grows).
package keyarena

import "encoding/binary"

// chunkSize is the size of one chunk; a key never spans two.
const chunkSize = 1 << 20

// Arena holds keys; the zero Arena is empty and ready.
type Arena struct {
	chunks [][]byte
}

// Ref names a key in its Arena.
type Ref uint32

// Add stores key and returns its Ref. When key starts with prefix, only
// the rest is stored: Get must then be given the same prefix. Keys of
// about a chunk or longer, and more than 4 GB of keys, panic.
func (a *Arena) Add(prefix, key string) Ref {
	rest, stripped := key[min(len(prefix), len(key)):], len(key) >= len(prefix) && key[:len(prefix)] == prefix
	if !stripped {
		rest = key
	}
	head := uint64(len(rest)) << 1
	if stripped {
		head |= 1
	}
	need := binary.MaxVarintLen64 + len(rest)
	if need > chunkSize {
		panic("keyarena: key too long")
	}
	if len(a.chunks) == 0 || chunkSize-len(a.chunks[len(a.chunks)-1]) < need {
		if len(a.chunks) == 1<<(32-20) {
			panic("keyarena: more than 4 GB of keys")
		}
		a.chunks = append(a.chunks, make([]byte, 0, chunkSize))
	}
	i := len(a.chunks) - 1
	c := a.chunks[i]
	ref := Ref(i<<20 | len(c))
	c = binary.AppendUvarint(c, head)
	a.chunks[i] = append(c, rest...)
	return ref
}

// Get returns the key of ref, added with prefix.
func (a *Arena) Get(prefix string, ref Ref) string {
	c := a.chunks[ref>>20][ref&(chunkSize-1):]
	head, n := binary.Uvarint(c)
	rest := c[n : n+int(head>>1)]
	if head&1 == 1 {
		return prefix + string(rest)
	}
	return string(rest)
}

// Next returns the Ref of the key added right after ref's.
func (a *Arena) Next(ref Ref) Ref {
	i, off := int(ref>>20), int(ref&(chunkSize-1))
	head, n := binary.Uvarint(a.chunks[i][off:])
	if end := off + n + int(head>>1); end < len(a.chunks[i]) {
		return Ref(i<<20 | end)
	}
	return Ref((i + 1) << 20)
}

// Bytes returns the memory the arena holds.
func (a *Arena) Bytes() int { return len(a.chunks) * chunkSize }
