package central

import (
	libzstd "github.com/DataDog/zstd"
	"github.com/klauspost/compress/zstd"
)

// Answers are compressed with zstd by one of two encoders. Every later
// sync's small answers take klauspost's SpeedBetterCompression (pure Go,
// about 10 ms per MB). An answer of at least bestAbove bytes (in practice
// a first sync's page of up to 4 MiB) takes libzstd at bestLevel through
// cgo: the technician's and the heavy first syncs' pages at level 16 are
// a fifth smaller than at klauspost's best level, 1.12x what `xz -9e`
// makes of them, for about 0.2 s of CPU per MB of JSON, paid once per
// device (docs/BENCHMARKS.md, "libzstd for first-sync pages (issue 16,
// h-zstd)").
//
// Window: libzstd's one-shot compression knows the body's size, so the
// frame's window is the smaller of the body and the level's own window
// (2^22 B, 4 MiB, at level 16); the device decodes frames whose window is
// up to its answer bound, 16 MiB (sync/client.go, maxResponse). Levels 20
// and above take 32 MiB or more and must not be used here.
//
// Memory: each libzstd call allocates its own context and frees it on
// return, so an idle service holds none. At level 16 the context of a page
// of 2 MiB or more is about 33 MiB (hash and binary-tree tables of 2^22
// entries of 4 bytes, the optimal parser's tables; measured as the
// process's peak resident memory), and at most bestSlots run at once,
// whatever the cores: about 66 MiB. A big answer that finds every slot
// taken is compressed by klauspost's cheaper encoder at once rather than
// wait.
var (
	zstdEncoder, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBetterCompression), zstd.WithWindowSize(8<<20))
	bestSlots      = make(chan struct{}, 2)
)

// bestLevel is libzstd's level for big answers: the cheapest that keeps a
// first sync within 1.2x `xz -9e` with margin (15 makes 1.24x, 16 1.12x,
// 17 to 19 at most 2.3 % fewer bytes for 10 % to twice the CPU; BENCHMARKS.md).
const bestLevel = 16

// bestAbove is the size from which an answer is compressed with libzstd:
// above what a sync after the first one usually brings.
const bestAbove = 1 << 20

// compressAnswer compresses an answer's body with zstd: with libzstd at
// bestLevel when it is big and a slot is free, else with zstdEncoder.
func compressAnswer(body []byte) []byte {
	if len(body) >= bestAbove {
		select {
		case bestSlots <- struct{}{}:
			defer func() { <-bestSlots }()
			// libzstd fails only when it cannot allocate its context;
			// the cheaper encoder below still answers.
			if out, err := libzstd.CompressLevel(make([]byte, 0, libzstd.CompressBound(len(body))), body, bestLevel); err == nil {
				return out
			}
		default:
		}
	}
	return zstdEncoder.EncodeAll(body, make([]byte, 0, len(body)/4))
}
