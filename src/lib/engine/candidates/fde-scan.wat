;; MUVERA's flat FDE scan, WASM SIMD128 (built by `npx tsx kernels/build-fde.ts` into fde-scan-wasm.ts).
;;
;; Layout (candidates/muvera-index.ts, FdeIndex): documents in chunks of C; a chunk is block-major:
;; block b (bs floats, one MUVERA bucket of one repetition) of document i lies at
;; chunk + ((b * C + i) * bs) * 4 bytes, so one query block meets all the chunk's documents in one
;; streaming pass. Only the query's live blocks (not all zero) are visited: a bucket no query vector
;; fell in contributes nothing to the dot product.
;;
;; scan(chunk, C, docs, bs, q, live, nLive, acc, out)
;;   chunk  byte offset of the chunk           C     documents per chunk (layout stride)
;;   docs   documents filled in this chunk     bs    floats per block, a multiple of 4
;;   q      byte offset of the query FDE       live  byte offset of nLive i32 block ids
;;   acc    byte offset of docs * 16 bytes of scratch (one f32x4 partial sum per document)
;;   out    byte offset of docs f32: out[i] = q . fde_i
;; Offsets are unsigned 32-bit (memories up to 4 GiB). Lane-wise partial sums per document are
;; reduced once at the end, so the inner loop has no horizontal adds.
(module
  (memory (export "memory") 1 65536)
  (func (export "scan")
    (param $chunk i32) (param $C i32) (param $docs i32) (param $bs i32)
    (param $q i32) (param $live i32) (param $nLive i32) (param $acc i32) (param $out i32)
    (local $i i32) (local $l i32) (local $b i32) (local $k i32)
    (local $p i32) (local $a i32) (local $qb i32) (local $rowBytes i32) (local $end i32)
    (local $q0 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128) (local $s v128) (local $v v128)
    ;; zero the accumulators
    (local.set $a (local.get $acc))
    (local.set $end (i32.add (local.get $acc) (i32.shl (local.get $docs) (i32.const 4))))
    (block $z_done
      (loop $z
        (br_if $z_done (i32.ge_u (local.get $a) (local.get $end)))
        (v128.store (local.get $a) (v128.const i32x4 0 0 0 0))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br $z)))
    (local.set $rowBytes (i32.shl (local.get $bs) (i32.const 2)))
    (local.set $l (i32.const 0))
    (block $blocks_done
      (loop $blocks
        (br_if $blocks_done (i32.ge_u (local.get $l) (local.get $nLive)))
        (local.set $b (i32.load (i32.add (local.get $live) (i32.shl (local.get $l) (i32.const 2)))))
        (local.set $qb (i32.add (local.get $q) (i32.mul (local.get $b) (local.get $rowBytes))))
        ;; p = chunk + b * C * bs * 4
        (local.set $p (i32.add (local.get $chunk) (i32.mul (i32.mul (local.get $b) (local.get $C)) (local.get $rowBytes))))
        (local.set $a (local.get $acc))
        (if (i32.eq (local.get $bs) (i32.const 16))
          (then
            ;; dim_proj 16, fastembed's default: the query block in four registers
            (local.set $q0 (v128.load (local.get $qb)))
            (local.set $q1 (v128.load offset=16 (local.get $qb)))
            (local.set $q2 (v128.load offset=32 (local.get $qb)))
            (local.set $q3 (v128.load offset=48 (local.get $qb)))
            (local.set $i (i32.const 0))
            (block $d16_done
              (loop $d16
                (br_if $d16_done (i32.ge_u (local.get $i) (local.get $docs)))
                (local.set $v
                  (f32x4.add
                    (f32x4.add
                      (f32x4.mul (v128.load (local.get $p)) (local.get $q0))
                      (f32x4.mul (v128.load offset=16 (local.get $p)) (local.get $q1)))
                    (f32x4.add
                      (f32x4.mul (v128.load offset=32 (local.get $p)) (local.get $q2))
                      (f32x4.mul (v128.load offset=48 (local.get $p)) (local.get $q3)))))
                (v128.store (local.get $a) (f32x4.add (v128.load (local.get $a)) (local.get $v)))
                (local.set $p (i32.add (local.get $p) (i32.const 64)))
                (local.set $a (i32.add (local.get $a) (i32.const 16)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $d16))))
          (else
            ;; any bs that is a multiple of 4
            (local.set $i (i32.const 0))
            (block $d_done
              (loop $d
                (br_if $d_done (i32.ge_u (local.get $i) (local.get $docs)))
                (local.set $s (v128.load (local.get $a)))
                (local.set $k (i32.const 0))
                (block $k_done
                  (loop $kl
                    (br_if $k_done (i32.ge_u (local.get $k) (local.get $rowBytes)))
                    (local.set $s
                      (f32x4.add (local.get $s)
                        (f32x4.mul
                          (v128.load (i32.add (local.get $p) (local.get $k)))
                          (v128.load (i32.add (local.get $qb) (local.get $k))))))
                    (local.set $k (i32.add (local.get $k) (i32.const 16)))
                    (br $kl)))
                (v128.store (local.get $a) (local.get $s))
                (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
                (local.set $a (i32.add (local.get $a) (i32.const 16)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $d)))))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $blocks)))
    ;; out[i] = sum of acc[i]'s four lanes
    (local.set $i (i32.const 0))
    (local.set $a (local.get $acc))
    (block $o_done
      (loop $o
        (br_if $o_done (i32.ge_u (local.get $i) (local.get $docs)))
        (local.set $s (v128.load (local.get $a)))
        (f32.store
          (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $s)) (f32x4.extract_lane 1 (local.get $s)))
            (f32.add (f32x4.extract_lane 2 (local.get $s)) (f32x4.extract_lane 3 (local.get $s)))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $o)))))
