/** The D3 views, one per file. Each is `(data, options & { document? }) => SVGElement | HTMLElement`. */
export { similarityHeatmap, describeCell, type HeatmapData, type HeatmapOptions, type HeatmapCell } from './similarity-heatmap';
export { argmaxPerRow, queryKindsFromTokens, type QueryTokenKind } from './heatmap-data';
export { contributionBars, type ContributionData, type ContributionOptions } from './contribution-bars';
export { shadedText, normalizeSpans, type ShadedTextData, type ShadedTextOptions, type WeightedSpan } from './shaded-text';
export { rankChanges, rankChangesLayout, rankChangeLabel, highlightRank, type RankChangesData, type RankColumn, type RankDirection } from './rank-changes';
export { estimateTextWidth, layoutColumnLabels, wrapLabel, type ColumnLabelLayout } from './column-labels';
export { barChart, formatCount, type BarDatum, type BarChartOptions } from './bar-chart';
export { deltaBars, type DeltaDatum, type DeltaBarsOptions } from './delta-bars';
export { qualityCost, describePoint, byteTicks, shortBytes, isPlottable, type QualityCostDatum, type QualityCostOptions } from './quality-cost';
export { patchHeatmap, patchContributions, describePatch, isSafeImageUrl, type PatchHeatmapData, type PatchHeatmapOptions, type PatchLayer } from './patch-heatmap';
export { diffVsExact, driftSummary, type DiffVsExactData, type DiffVsExactOptions } from './diff-vs-exact';
export { costLine, formatBytes, formatFactor, formatMs } from './cost-format';
export { valueColor, shadeColor, finiteExtent, type ScaleKind } from './color';
export { resolveDocument, formatScore, type VizContext } from './dom';
