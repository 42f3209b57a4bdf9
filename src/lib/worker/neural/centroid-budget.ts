/**
 * The playground's cap on a residual index's centroids (PLAID, `storage=residual`, `centroids` auto).
 * ColBERTv2's rule (`defaultCentroidCount`) gives 16,384 centroids for the 5,000 x 250 folder of issue 12,
 * whose build (k-means on 64 vectors per centroid, then every vector's nearest centroid) is ~1.9 T
 * multiply-adds: ~18 minutes in a tab on the single-thread WASM nearest-centroid kernel, which runs at
 * 5-9.5 G multiply-adds/s on the 2-core VM (docs/BENCHMARKS.md, "PLAID with ColBERTv2's centroid count
 * at 10k, on the WASM nearest-centroid kernel"). 2e11 keeps the build within ~20-40 s there: 1,024
 * centroids for that folder (1.5e11). The CLI passes no budget, so it keeps ColBERTv2's rule.
 */
export const PLAYGROUND_CENTROID_BUDGET = 2e11;
