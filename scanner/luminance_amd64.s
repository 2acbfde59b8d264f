#include "textflag.h"

// The BT.601 grey of opaque 8-bit RGBA pixels, exactly as lumOpaque:
// (lumR*r + lumG*g + lumB*b + 1<<15) >> 24 with lumX = weight * 0x101.
// PMADDWL (PMADDWD) weighs the words of an unpacked pixel in pairs:
// (r, g) and (b, a). Its weights are signed 16-bit, and 38470 is not,
// so g is weighed by 38470 - 65536 and g<<16 added back; alpha weighs 0.
// S = 19595 r + 38470 g + 7471 b is below 1<<24, so S*0x101 + 1<<15 is
// below 1<<32 and the 32-bit lanes never overflow.
DATA greyWeights<>+0x00(SB)/8, $0x00001d2f96464c8b // 19595, -27066, 7471, 0
DATA greyWeights<>+0x08(SB)/8, $0x00001d2f96464c8b
GLOBL greyWeights<>(SB), RODATA|NOPTR, $16

DATA greenMask<>+0x00(SB)/8, $0x0000ff000000ff00 // g of each pixel
DATA greenMask<>+0x08(SB)/8, $0x0000ff000000ff00
GLOBL greenMask<>(SB), RODATA|NOPTR, $16

DATA greyRound<>+0x00(SB)/8, $0x0000800000008000 // 1<<15 in each lane
DATA greyRound<>+0x08(SB)/8, $0x0000800000008000
GLOBL greyRound<>(SB), RODATA|NOPTR, $16

// GREY4 turns the four pixels of P into their grey, one in the low byte
// of each 32-bit lane of P (the rest of the lane zero). A, B, C are
// scratch; X14 holds zero, X13 greyWeights, X12 greenMask, X11 greyRound.
// A takes pixels 0 and 1 as words and B pixels 2 and 3; PMADDWL gives
// each pixel two sums (19595r - 27066g and 7471b), which the SHUFPS pair
// lines up so that one PADDL adds them; P's own green, shifted to g<<16,
// completes S, and S + S<<8 is S * 0x101.
#define GREY4(P, A, B, C) \
	MOVO      P, A; \
	PUNPCKLBW X14, A; \
	MOVO      P, B; \
	PUNPCKHBW X14, B; \
	PMADDWL   X13, A; \
	PMADDWL   X13, B; \
	PAND      X12, P; \
	PSLLL     $8, P; \
	MOVO      A, C; \
	SHUFPS    $0x88, B, A; \
	SHUFPS    $0xdd, B, C; \
	PADDL     C, A; \
	PADDL     A, P; \
	MOVO      P, A; \
	PSLLL     $8, A; \
	PADDL     A, P; \
	PADDL     X11, P; \
	PSRLL     $24, P

// func opaqueRowSSE2(dst, src []byte) int
TEXT ·opaqueRowSSE2(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), DX
	SHRQ $2, DX
	CMPQ DX, CX
	CMOVQLT DX, CX // CX: the pixels there are room for in both
	XORQ AX, AX    // AX: the pixels written
	PXOR X14, X14
	MOVOU greyWeights<>(SB), X13
	MOVOU greenMask<>(SB), X12
	MOVOU greyRound<>(SB), X11
	PCMPEQB X10, X10 // all ones: opaque alpha

	// Sixteen pixels a turn while all sixteen are opaque.
loop16:
	LEAQ 16(AX), BX
	CMPQ BX, CX
	JGT  loop4
	MOVOU 0(SI), X0
	MOVOU 16(SI), X1
	MOVOU 32(SI), X2
	MOVOU 48(SI), X3
	MOVO  X0, X4
	PAND  X1, X4
	PAND  X2, X4
	PAND  X3, X4
	PCMPEQB X10, X4
	PMOVMSKB X4, BX
	ANDL $0x8888, BX // the alpha bytes
	CMPL BX, $0x8888
	JNE  loop4
	GREY4(X0, X4, X5, X6)
	GREY4(X1, X4, X5, X6)
	GREY4(X2, X4, X5, X6)
	GREY4(X3, X4, X5, X6)
	PACKSSLW X1, X0
	PACKSSLW X3, X2
	PACKUSWB X2, X0
	MOVOU X0, 0(DI)
	ADDQ $64, SI
	ADDQ $16, DI
	ADDQ $16, AX
	JMP  loop16

	// Four at a time up to the row's end or the four with a pixel
	// that is not opaque.
loop4:
	LEAQ 4(AX), BX
	CMPQ BX, CX
	JGT  loop1
	MOVOU 0(SI), X0
	MOVO  X0, X4
	PCMPEQB X10, X4
	PMOVMSKB X4, BX
	ANDL $0x8888, BX
	CMPL BX, $0x8888
	JNE  loop1
	GREY4(X0, X4, X5, X6)
	PACKSSLW X0, X0
	PACKUSWB X0, X0
	MOVL X0, BX
	MOVL BX, 0(DI)
	ADDQ $16, SI
	ADDQ $4, DI
	ADDQ $4, AX
	JMP  loop4

	// One at a time up to the first pixel that is not opaque.
loop1:
	CMPQ AX, CX
	JGE  done
	MOVL 0(SI), BX
	CMPL BX, $0xff000000
	JB   done
	MOVL BX, X0
	GREY4(X0, X4, X5, X6)
	MOVL X0, BX
	MOVB BX, 0(DI)
	ADDQ $4, SI
	ADDQ $1, DI
	ADDQ $1, AX
	JMP  loop1

done:
	MOVQ AX, ret+48(FP)
	RET

// The order of the 4-pixel groups after the in-lane packs of 32 pixels
// (groups 0, 2, 4, 6 in the low lane, 1, 3, 5, 7 in the high): VPERMD's
// indices that put them back in order.
DATA greyOrder<>+0x00(SB)/8, $0x0000000400000000
DATA greyOrder<>+0x08(SB)/8, $0x0000000500000001
DATA greyOrder<>+0x10(SB)/8, $0x0000000600000002
DATA greyOrder<>+0x18(SB)/8, $0x0000000700000003
GLOBL greyOrder<>(SB), RODATA|NOPTR, $32

// GREY8 is GREY4 on the eight pixels of a Y register, in its two 128-bit
// lanes (the unpacks and SHUFPS work within a lane, so each lane comes
// out in order). Y14 holds zero, Y13 greyWeights, Y12 greenMask, Y11
// greyRound.
#define GREY8(P, A, B, C) \
	VPUNPCKLBW Y14, P, A; \
	VPUNPCKHBW Y14, P, B; \
	VPMADDWD   Y13, A, A; \
	VPMADDWD   Y13, B, B; \
	VPAND      Y12, P, P; \
	VPSLLD     $8, P, P; \
	VSHUFPS    $0x88, B, A, C; \
	VSHUFPS    $0xdd, B, A, A; \
	VPADDD     C, A, A; \
	VPADDD     A, P, P; \
	VPSLLD     $8, P, A; \
	VPADDD     A, P, P; \
	VPADDD     Y11, P, P; \
	VPSRLD     $24, P, P

// func opaqueBlocksAVX2(dst, src []byte) int
TEXT ·opaqueBlocksAVX2(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), DX
	SHRQ $2, DX
	CMPQ DX, CX
	CMOVQLT DX, CX // CX: the pixels there are room for in both
	XORQ AX, AX    // AX: the pixels written
	VPXOR Y14, Y14, Y14
	VPBROADCASTQ greyWeights<>(SB), Y13
	VPBROADCASTQ greenMask<>(SB), Y12
	VPBROADCASTQ greyRound<>(SB), Y11
	VPCMPEQB Y10, Y10, Y10 // all ones: opaque alpha
	VMOVDQU greyOrder<>(SB), Y9

	// Thirty-two pixels a turn while all thirty-two are opaque.
loop32:
	LEAQ 32(AX), BX
	CMPQ BX, CX
	JGT  done
	VMOVDQU 0(SI), Y0
	VMOVDQU 32(SI), Y1
	VMOVDQU 64(SI), Y2
	VMOVDQU 96(SI), Y3
	VPAND Y1, Y0, Y4
	VPAND Y2, Y4, Y4
	VPAND Y3, Y4, Y4
	VPCMPEQB Y10, Y4, Y4
	VPMOVMSKB Y4, BX
	NOTL  BX
	TESTL $0x88888888, BX // an alpha byte not 0xff
	JNZ   done
	GREY8(Y0, Y4, Y5, Y6)
	GREY8(Y1, Y4, Y5, Y6)
	GREY8(Y2, Y4, Y5, Y6)
	GREY8(Y3, Y4, Y5, Y6)
	VPACKSSDW Y1, Y0, Y0
	VPACKSSDW Y3, Y2, Y2
	VPACKUSWB Y2, Y0, Y0
	VPERMD    Y0, Y9, Y0
	VMOVDQU   Y0, 0(DI)
	ADDQ $128, SI
	ADDQ $32, DI
	ADDQ $32, AX
	JMP  loop32

done:
	VZEROUPPER
	MOVQ AX, ret+48(FP)
	RET

DATA blueRB<>+0x00(SB)/8, $0x00ff00ff00ff00ff // r and b of each pixel, as words
DATA blueRB<>+0x08(SB)/8, $0x00ff00ff00ff00ff
GLOBL blueRB<>(SB), RODATA|NOPTR, $16

DATA blueOnes<>+0x00(SB)/8, $0x0001000100010001 // PMADDWL's r*1 + b*1
DATA blueOnes<>+0x08(SB)/8, $0x0001000100010001
GLOBL blueOnes<>(SB), RODATA|NOPTR, $16

// BLUEGREY4 is GREY4 that also makes, in V, the blue-weighted grey of
// the four pixels of P: (r + 2g + b) * 0x101 >> 10, one in the low byte
// of each 32-bit lane. r + b is one PMADDWL of the pixel's (r, b) words,
// and 2g is the g<<16 that GREY4 makes, shifted right by 15. X9 holds
// blueRB, X8 blueOnes; the rest as GREY4.
#define BLUEGREY4(P, V, A, B, C) \
	MOVO      P, V; \
	PAND      X9, V; \
	PMADDWL   X8, V; \
	MOVO      P, A; \
	PUNPCKLBW X14, A; \
	MOVO      P, B; \
	PUNPCKHBW X14, B; \
	PMADDWL   X13, A; \
	PMADDWL   X13, B; \
	PAND      X12, P; \
	PSLLL     $8, P; \
	MOVO      P, C; \
	PSRLL     $15, C; \
	PADDL     C, V; \
	MOVO      A, C; \
	SHUFPS    $0x88, B, A; \
	SHUFPS    $0xdd, B, C; \
	PADDL     C, A; \
	PADDL     A, P; \
	MOVO      P, A; \
	PSLLL     $8, A; \
	PADDL     A, P; \
	PADDL     X11, P; \
	PSRLL     $24, P; \
	MOVO      V, A; \
	PSLLL     $8, A; \
	PADDL     A, V; \
	PSRLL     $10, V

// BLUEMINMAX folds the differences V - G of the words of V and G (blue
// and BT.601 grey) into X7 (the least) and X10 (the greatest); A is
// scratch.
#define BLUEMINMAX(V, G, A) \
	MOVO   V, A; \
	PSUBW  G, A; \
	PMINSW A, X7; \
	PMAXSW A, X10

// func blueOpaqueSSE2(dst, src []byte) (n, lo, hi int)
TEXT ·blueOpaqueSSE2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), DX
	SHRQ $2, DX
	CMPQ DX, CX
	CMOVQLT DX, CX // CX: the pixels there are room for in both
	XORQ AX, AX    // AX: the pixels written
	PXOR X14, X14
	MOVOU greyWeights<>(SB), X13
	MOVOU greenMask<>(SB), X12
	MOVOU greyRound<>(SB), X11
	MOVOU blueRB<>(SB), X9
	MOVOU blueOnes<>(SB), X8
	PCMPEQB X7, X7
	PSRLW   $1, X7  // 0x7fff in each word: no least difference yet
	MOVO    X7, X10
	PXOR    X5, X5
	PCMPEQB X5, X5
	PXOR    X5, X10 // 0x8000 in each word: no greatest yet

	// Eight pixels a turn while all eight are opaque.
loop8:
	LEAQ 8(AX), BX
	CMPQ BX, CX
	JGT  loop4
	MOVOU 0(SI), X0
	MOVOU 16(SI), X1
	MOVO  X0, X4
	PAND  X1, X4
	PCMPEQB X5, X5
	PCMPEQB X5, X4
	PMOVMSKB X4, BX
	ANDL $0x8888, BX // the alpha bytes
	CMPL BX, $0x8888
	JNE  loop4
	BLUEGREY4(X0, X2, X4, X5, X6)
	BLUEGREY4(X1, X3, X4, X5, X6)
	PACKSSLW X1, X0 // grey, eight words
	PACKSSLW X3, X2 // blue
	BLUEMINMAX(X2, X0, X4)
	PACKUSWB X2, X2
	MOVQ X2, 0(DI)
	ADDQ $32, SI
	ADDQ $8, DI
	ADDQ $8, AX
	JMP  loop8

	// Four at a time up to the row's end or the four with a pixel
	// that is not opaque.
loop4:
	LEAQ 4(AX), BX
	CMPQ BX, CX
	JGT  loop1
	MOVOU 0(SI), X0
	MOVO  X0, X4
	PCMPEQB X5, X5
	PCMPEQB X5, X4
	PMOVMSKB X4, BX
	ANDL $0x8888, BX
	CMPL BX, $0x8888
	JNE  loop1
	BLUEGREY4(X0, X2, X4, X5, X6)
	PACKSSLW X0, X0 // each pixel twice: the least and greatest as they are
	PACKSSLW X2, X2
	BLUEMINMAX(X2, X0, X4)
	PACKUSWB X2, X2
	MOVL X2, BX
	MOVL BX, 0(DI)
	ADDQ $16, SI
	ADDQ $4, DI
	ADDQ $4, AX
	JMP  loop4

	// One at a time up to the first pixel that is not opaque.
loop1:
	CMPQ AX, CX
	JGE  done
	MOVL 0(SI), BX
	CMPL BX, $0xff000000
	JB   done
	MOVL BX, X0
	PSHUFL $0, X0, X0 // the pixel in every lane, so no empty lane counts
	BLUEGREY4(X0, X2, X4, X5, X6)
	PACKSSLW X0, X0
	PACKSSLW X2, X2
	BLUEMINMAX(X2, X0, X4)
	MOVL X2, BX
	MOVB BX, 0(DI)
	ADDQ $4, SI
	ADDQ $1, DI
	ADDQ $1, AX
	JMP  loop1

done:
	MOVQ AX, n+48(FP)
	// The least of X7's words and the greatest of X10's, sign-extended.
	PSHUFL $0x4e, X7, X0
	PMINSW X0, X7
	PSHUFL $0xb1, X7, X0
	PMINSW X0, X7
	PSHUFLW $0xb1, X7, X0
	PMINSW X0, X7
	MOVL X7, BX
	MOVWQSX BX, BX
	MOVQ BX, lo+56(FP)
	PSHUFL $0x4e, X10, X0
	PMAXSW X0, X10
	PSHUFL $0xb1, X10, X0
	PMAXSW X0, X10
	PSHUFLW $0xb1, X10, X0
	PMAXSW X0, X10
	MOVL X10, BX
	MOVWQSX BX, BX
	MOVQ BX, hi+64(FP)
	RET
