#include "textflag.h"

// func blockPairs(p *byte, stride, pairs int, sums *int32, lo, hi *uint8)
//
// Two 8 x 8 blocks a step: each of the eight rows is one 16-byte load
// holding both blocks' row; PSADBW sums each half's eight bytes, PMINUB
// and PMAXUB fold the rows, and three shifts within each half leave
// each block's least and greatest in its half's low byte.
TEXT ·blockPairs(SB), NOSPLIT, $0-48
	MOVQ p+0(FP), SI
	MOVQ stride+8(FP), BX
	MOVQ pairs+16(FP), CX
	MOVQ sums+24(FP), DI
	MOVQ lo+32(FP), R8
	MOVQ hi+40(FP), R9
	LEAQ (BX)(BX*2), DX // 3 strides
	PXOR X14, X14
	TESTQ CX, CX
	JEQ done

loop:
	LEAQ (SI)(BX*4), R10
	MOVOU (SI), X0
	MOVOU (SI)(BX*1), X1
	MOVOU (SI)(BX*2), X2
	MOVOU (SI)(DX*1), X3
	MOVOU (R10), X4
	MOVOU (R10)(BX*1), X5
	MOVOU (R10)(BX*2), X6
	MOVOU (R10)(DX*1), X7

	// Sums: each half's eight bytes, row by row, at most 64 x 255.
	MOVO X0, X8
	PSADBW X14, X8
	MOVO X1, X9
	PSADBW X14, X9
	PADDQ X9, X8
	MOVO X2, X9
	PSADBW X14, X9
	PADDQ X9, X8
	MOVO X3, X9
	PSADBW X14, X9
	PADDQ X9, X8
	MOVO X4, X9
	PSADBW X14, X9
	PADDQ X9, X8
	MOVO X5, X9
	PSADBW X14, X9
	PADDQ X9, X8
	MOVO X6, X9
	PSADBW X14, X9
	PADDQ X9, X8
	MOVO X7, X9
	PSADBW X14, X9
	PADDQ X9, X8

	// Least (X9) and greatest (X0) of each byte over the eight rows.
	MOVO X0, X9
	PMINUB X1, X9
	PMAXUB X1, X0
	MOVO X2, X10
	PMINUB X3, X10
	PMAXUB X3, X2
	MOVO X4, X11
	PMINUB X5, X11
	PMAXUB X5, X4
	MOVO X6, X12
	PMINUB X7, X12
	PMAXUB X7, X6
	PMINUB X10, X9
	PMINUB X12, X11
	PMINUB X11, X9
	PMAXUB X2, X0
	PMAXUB X6, X4
	PMAXUB X4, X0

	// Across each half: its eight bytes to one.
	MOVO X9, X10
	PSRLQ $32, X10
	PMINUB X10, X9
	MOVO X9, X10
	PSRLQ $16, X10
	PMINUB X10, X9
	MOVO X9, X10
	PSRLQ $8, X10
	PMINUB X10, X9
	MOVO X0, X10
	PSRLQ $32, X10
	PMAXUB X10, X0
	MOVO X0, X10
	PSRLQ $16, X10
	PMAXUB X10, X0
	MOVO X0, X10
	PSRLQ $8, X10
	PMAXUB X10, X0

	MOVQ X8, AX
	MOVL AX, (DI)
	PEXTRW $4, X8, AX
	MOVL AX, 4(DI)
	MOVQ X9, AX
	MOVB AX, (R8)
	PEXTRW $4, X9, AX
	MOVB AX, 1(R8)
	MOVQ X0, AX
	MOVB AX, (R9)
	PEXTRW $4, X0, AX
	MOVB AX, 1(R9)

	ADDQ $16, SI
	ADDQ $8, DI
	ADDQ $2, R8
	ADDQ $2, R9
	DECQ CX
	JNZ loop

done:
	RET

// func binariseWords(line, thr *byte, words *uint64, n int)
//
// Sixty-four pixels a word, sixteen at a time: each block's threshold t
// spread over its eight pixels, t minus the pixel (saturating at 0) is
// nonzero exactly where the pixel is darker than t.
TEXT ·binariseWords(SB), NOSPLIT, $0-32
	MOVQ line+0(FP), SI
	MOVQ thr+8(FP), BX
	MOVQ words+16(FP), DI
	MOVQ n+24(FP), CX
	PXOR X14, X14
	TESTQ CX, CX
	JEQ bdone

bloop:
	MOVQ (BX), X0     // the word's eight thresholds
	PUNPCKLBW X0, X0  // each twice
	MOVO X0, X1
	PUNPCKLWL X0, X0  // t0..t3, each four times
	PUNPCKHWL X1, X1  // t4..t7
	MOVO X0, X2
	PUNPCKLLQ X0, X0  // t0, t1, each eight times
	PUNPCKHLQ X2, X2  // t2, t3
	MOVO X1, X3
	PUNPCKLLQ X1, X1  // t4, t5
	PUNPCKHLQ X3, X3  // t6, t7

	MOVOU (SI), X4
	PSUBUSB X4, X0
	PCMPEQB X14, X0   // 0xff where not darker
	PMOVMSKB X0, AX
	MOVOU 16(SI), X5
	PSUBUSB X5, X2
	PCMPEQB X14, X2
	PMOVMSKB X2, DX
	MOVOU 32(SI), X6
	PSUBUSB X6, X1
	PCMPEQB X14, X1
	PMOVMSKB X1, R8
	MOVOU 48(SI), X7
	PSUBUSB X7, X3
	PCMPEQB X14, X3
	PMOVMSKB X3, R9

	SHLQ $16, DX
	ORQ DX, AX
	SHLQ $32, R8
	ORQ R8, AX
	SHLQ $48, R9
	ORQ R9, AX
	NOTQ AX
	MOVQ AX, (DI)

	ADDQ $64, SI
	ADDQ $8, BX
	ADDQ $8, DI
	DECQ CX
	JNZ bloop

bdone:
	RET

// func colourEdgeChunks(grey, blue, grey2, blue2 *byte, low *[16]byte, chunks int) int
//
// colourEdgeCountGo's count over x = 0 to 16*chunks-1, sixteen x at a
// time: |a-b| is (a-b)|(b-a), each saturating at 0, and at least
// gateContrast where it minus low (gateContrast-1, saturating) is not 0.
// Each edge's lane is -1 (0xff); subtracted from 0 it is 1, and PSADBW
// adds the lanes.
TEXT ·colourEdgeChunks(SB), NOSPLIT, $0-56
	MOVQ grey+0(FP), SI
	MOVQ blue+8(FP), DI
	MOVQ grey2+16(FP), R8
	MOVQ blue2+24(FP), R9
	MOVQ low+32(FP), AX
	MOVQ chunks+40(FP), CX
	MOVOU (AX), X13  // gateContrast-1 in every lane
	PXOR X14, X14    // 0
	PXOR X12, X12    // the count, in each half
	TESTQ CX, CX
	JEQ cdone

cloop:
	MOVOU (SI), X0   // g[x]
	MOVOU 1(SI), X1  // g[x+1]
	MOVOU (DI), X2   // bl[x]
	MOVOU 1(DI), X3  // bl[x+1]
	MOVOU (R8), X4   // g2[x]
	MOVOU (R9), X5   // bl2[x]

	// Across: grey |g[x]-g[x+1]| in X6, blue in X7.
	MOVO X0, X6
	PSUBUSB X1, X6
	PSUBUSB X0, X1
	POR X1, X6
	MOVO X2, X7
	PSUBUSB X3, X7
	PSUBUSB X2, X3
	POR X3, X7
	PSUBUSB X13, X6
	PSUBUSB X13, X7
	PCMPEQB X14, X6  // 0xff: grey under gateContrast
	PCMPEQB X14, X7  // 0xff: blue under gateContrast
	PANDN X6, X7     // blue not under, grey under: an edge
	MOVO X14, X8
	PSUBB X7, X8
	PSADBW X14, X8
	PADDQ X8, X12

	// Down: g[x] against g2[x], bl[x] against bl2[x].
	MOVO X0, X6
	PSUBUSB X4, X6
	PSUBUSB X0, X4
	POR X4, X6
	MOVO X2, X7
	PSUBUSB X5, X7
	PSUBUSB X2, X5
	POR X5, X7
	PSUBUSB X13, X6
	PSUBUSB X13, X7
	PCMPEQB X14, X6
	PCMPEQB X14, X7
	PANDN X6, X7
	MOVO X14, X8
	PSUBB X7, X8
	PSADBW X14, X8
	PADDQ X8, X12

	ADDQ $16, SI
	ADDQ $16, DI
	ADDQ $16, R8
	ADDQ $16, R9
	DECQ CX
	JNZ cloop

cdone:
	MOVQ X12, AX
	PSRLDQ $8, X12
	MOVQ X12, DX
	ADDQ DX, AX
	MOVQ AX, ret+48(FP)
	RET
