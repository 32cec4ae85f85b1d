export { InputError, ValidationError } from './errors.js';
export { createRng, type Rng } from './rng.js';

export type { Graph, GraphNode, TensorInfo, OpType, ConvAttrs, GemmAttrs, PoolAttrs } from './graph/types.js';
export { OP_TYPES, tensorElements } from './graph/types.js';
export { GraphBuilder, checkShapes, ACTIVATIONS } from './graph/builder.js';
export { inferOutputShape } from './graph/shapes.js';
export { lowerBlockNet, type BlockNetOptions } from './space/lower-blocks.js';
export { lowerMcunet, type McunetConfig, type McunetOptions } from './space/lower-mcunet.js';

export type { BlockConfig, Candidate, LayerSpec } from './space/candidate.js';
export { blockLayers, BLOCK_FIELDS, CONV_TYPES, SKIP_OPS, BLOCK_ACTIVATIONS } from './space/candidate.js';
export { loadSpace, parseSpace, stageChoices, TABLE_I_FIELDS, SPACE_FILE_SCHEMA, type SearchSpace, type SpaceChoices } from './space/space.js';
export { resolveSpace, DEFAULT_SPACE, SEARCH_SPACES_DIR } from './space/builtin.js';
export { candidateSchema, candidateIssues, isValidCandidate } from './space/validate.js';
export { sampleCandidate, sampleCandidates, enumerateStage, mutateCandidate, type Mutation } from './space/sample.js';
export { canonicalKey } from './space/key.js';
export { spaceSize, type SpaceSize } from './space/size.js';
export { sampleWithCosts, meetsConstraints, type SampledCandidate } from './space/stats.js';
export { loadModelFile, modelFromData, detectFormat, MODEL_FORMATS, type ModelFormat, type LoadedModel } from './space/formats.js';

export { estimateCosts, graphTotals, type CostReport, type LayerRow, type Totals } from './cost/estimate.js';
export { nodeCost, type NodeCost } from './cost/layer-costs.js';
export { peakSram, SRAM_MODELS, type SramModel, type SramOptions, type SramProfile } from './cost/sram.js';
export { createFastEvaluator, type FastOptions } from './space/fast-cost.js';

export { referenceModels, referenceRows, REFERENCE_DIR, type ReferenceModel, type ReferenceRow } from './report/reference.js';
export { textTable } from './report/text-table.js';
export { histogramFigure, barFigure, type Figure } from './report/figures.js';
export { figureHtml, plotlyLibraryHtml, plotlyScriptPath } from './report/html.js';
export { sampleRows, type SampleRow } from './report/space-report.js';

export { buildZooModel, isZooModel, ZOO_MODELS, TORCHVISION_PUBLISHED, type ZooModel } from './graph/zoo/index.js';
export { exportOnnx, graphToModelProto, DEFAULT_OPSET, type ExportOptions } from './onnx/export.js';
export { importModel, importOnnxFile, decodeModel, IMPORTABLE_OPS, type ImportOptions } from './onnx/import.js';
export { loadGraph, parseShape, SOURCE_FORMATS, type SourceFormat, type LoadedGraph, type ModelSourceOptions } from './models.js';
export { measureOnnx, measureGraph, measuredLatencyModel, appendLatencyRecord, type LatencyModel, type LatencyMeasurement, type LatencyRecord, type MeasureOptions } from './runtime/latency.js';
export { latencyStats, type LatencyStats } from './runtime/stats.js';
export { describeDevice, type DeviceDescriptor } from './runtime/device.js';

export { dominates, compare, constrainedCompare, constrainedDominates } from './pareto/dominance.js';
export { parseObjectives, parseLimits, limitViolations, totalViolation, toMinimization, DIRECTIONS, type Objective, type Limit, type Direction } from './pareto/objectives.js';
export { paretoFront, paretoFrontNaive, nondominatedRanks, nondominatedSort, crowdingDistance } from './pareto/sort.js';
export { ParetoFront, type FrontEntry, type InsertResult, type FrontSnapshot } from './pareto/front.js';
export { hypervolume, hypervolumeContributions, normalizePoints, idealPoint, nadirPoint } from './pareto/hypervolume.js';
export { HypervolumeTracker } from './pareto/hv/incremental.js';
export { additiveEpsilon, igd, igdPlus, gd } from './pareto/indicators.js';
export { kneePoint, bestUnderBudget } from './pareto/select.js';
export { parseCsv, numericColumn, type CsvTable } from './csv.js';

export type { Proposer, ProposerFactory, ProposerOptions, Proposal, Observation, Outcome, RejectionReason } from './propose/types.js';
export { REJECTION_REASONS } from './propose/types.js';
export { createProposer, PROPOSER_NAMES, PROPOSERS } from './propose/registry.js';
export type { Evaluator, Evaluation, EvaluationInput } from './evaluate/types.js';
export { EvaluationFailure } from './evaluate/types.js';
export { createEvaluator, EVALUATOR_SPECS } from './evaluate/registry.js';
export { torchEvaluator, checkTorchTrainer, parseTorchSpec, torchPython, TORCH_DATASETS, TORCH_PRESETS, TORCH_TRAINER, type TorchEvaluatorOptions, type TorchSpec } from './evaluate/torch.js';
export { checkDatasetFits, datasetPreflight, describeDataset, type DatasetDescription } from './evaluate/dataset-preflight.js';
export { naswotScore } from './evaluate/naswot.js';
export { runCampaign, progressOf, RECORDS_FILE, type CampaignSummary, type Progress, type CampaignDeps, type RunOptions } from './campaign/campaign.js';
export { configFromSpace, defaultObjectives, primaryObjective, type CampaignConfig } from './campaign/config.js';
export { readRecords, RecordWriter, type CampaignRecord } from './campaign/records.js';
export { campaignStore } from './campaign/records.js';
export { campaignCodec, CAMPAIGN_RECORD_TYPES, type CampaignRecordOf, type CampaignRecordType } from './campaign/record-types.js';
export type { Store, StoredRecord, StoreRead, RecordCodec, RecordFields, TornTail } from './store/types.js';
export { UnwritableRecord } from './store/types.js';
export { FileStore, fileStore, readRecordFile } from './store/file-store.js';
export { MemoryStore, memoryStore } from './store/memory-store.js';
export { lamdaCodec, lamdaStore, LAMDA_RECORD_TYPES, type LamdaRecord } from './lamda/records.js';
export { replayRecords, type RunState } from './campaign/state.js';
export { validateProposal, type Validation } from './campaign/validate.js';
export { NoveltyIndex, blockTokens } from './campaign/novelty.js';
export type { Executor, EvaluationTask, DispatchFields } from './campaign/executor.js';
export { localExecutor } from './campaign/scheduler.js';
export { parseQueueUrl, describeTarget, type QueueTarget } from './campaign/queue/queue-url.js';
export { JOB_PROTOCOL, jobIdOf, queueNameOf, checkJob, checkJobResult, type EvaluationJob, type JobResult, type JobEvaluatorOptions } from './campaign/queue/job.js';
export { probeQueue, queueExecutor, QueueDown, QueueDetached, type QueueExecutorOptions } from './campaign/queue/queue-executor.js';
export { runWorker, type WorkerOptions, type WorkerEvent, type WorkerSummary } from './campaign/queue/worker.js';
export { loadRun, rejectionRows, rejectionsTable, frontRows, frontFigure } from './report/campaign-report.js';
export { scatterFigure } from './report/figures.js';

export type { LlmClient, ChatMessage, ChatRequest, ChatResponse, ChatOptions, LlmCallRecord } from './llm/types.js';
export { LlmCallFailure, LlmSetupError } from './llm/types.js';
export { ollamaClient, DEFAULT_OLLAMA_HOST } from './llm/ollama.js';
export { recordedClient, chainClients } from './llm/recorded.js';
export { initialPrompt, explanationPrompt, PROMPT_VERSION } from './propose/llm/prompts.js';
export { paretoFeedback } from './propose/llm/feedback.js';
export { llmProposer, parseReply, LLM_DEFAULTS } from './propose/llm/proposer.js';
export { applyCandidatePatch, chooseParent, deltaInstruction, parsePatchReply, DELTA_PROMPT_VERSION, LLM_MODES, PATCH_FORMAT, type LlmMode, type DeltaParent } from './propose/llm/delta.js';
export { campaignProposer } from './campaign/llm-proposer.js';
export { compareRuns, comparisonRows, formatRangeAvg, type Comparison } from './report/compare.js';
export { compareGroups, GROUP_BY_FIELDS, smallestExactP, type GroupByField, type GroupComparison, type GroupTest, type RunGroup } from './report/compare-groups.js';
export { compareHtml, compareTables, type ComparePageData } from './report/compare-html.js';
export { configKey } from './campaign/config-key.js';

export type { Table, Cell } from './report/table.js';
export { toMarkdown, toHtml, toCsv, toLatex, formatCell } from './report/render-table.js';
export { tableToDataFrame, dataFrameToTable } from './report/data-frame.js';
export { paretoTable, referenceTableII, tableII, tableIIFromRun, tableIII, tableIV, TABLE_II_PAPER_ROWS, TABLE_III_PAPER_ROWS, TABLE_IV_PAPER_ROWS } from './report/paper-tables.js';
export { fig1, fig1PaperPoints, frontPoints, fig5, referenceFig5, FIG5_PAPER_BARS, paretoScatter2d, paretoScatter3d, hypervolumeOverRun, rejectionsOverRun, layerBreakdown } from './report/figures.js';
export { paretoScatterInfo, paretoScatterFigure, paretoScatter3dInfo, paretoScatter3dFigure, hypervolumeOverRunInfo, hypervolumeOverRunFigure, hypervolumeSeries, rejectionsOverRunInfo, rejectionsOverRunFigure, layerCostsInfo, layerCostsFigure } from './report/figures.js';
export type { ParetoScatterInfo, ParetoScatter3dInfo, HypervolumeSeries, RejectionSeries, LayerCostsInfo } from './report/figures.js';
export { explanationCards, type ExplanationCard } from './report/explanations.js';
export { loadTrial, trialView, trialOnnx, trialText, type TrialView, type TrialStatus } from './report/trial.js';
export { startDashboard, type Dashboard, type DashboardOptions } from './dashboard/server.js';
export { runData, type RunData, type TrialRow } from './dashboard/run-data.js';
export { seedGroups, type SeedGroup } from './dashboard/seed-groups.js';
export { buildRunReport, type RunReport } from './report/run-report.js';
export { runReportHtml, writeRunReport } from './report/html-report.js';
export { display } from './report/display.js';
export { findChromium, figureToImage, renderHtmlToDom } from './report/chromium.js';
export { launchOfflineBrowser, type OfflineBrowser, type OfflineBrowserOptions } from './report/browser.js';
export { writeFigureImages, type FigureImageJob } from './report/figure-images.js';

export { serializeGraph, serializeNodeLines, parseGraph, graphsEqual, DslSyntaxError } from './lamda/dsl.js';
export { cutCosts, sliceOptimal, sliceOptimalFast, sliceNaive, sliceNone, sliceBy, operatorsOf, type Slice, type Slicing } from './lamda/slice.js';
export { tokenCounter, TOKENIZERS, type TokenizerName } from './lamda/tokens.js';
export { sliceTexts, reassemble } from './lamda/reassemble.js';
export { lamdaDataset, SYNTAX_RULES, type DatasetPair } from './lamda/dataset.js';
export {
  verifyModelText,
  verifyGraph,
  extractModelText,
  DEFECT_KINDS,
  type Defect,
  type SyntaxDefect,
  type TaskDefect,
  type RequirementDefect,
  type Requirements,
  type Verdict,
  type LatencyEstimator,
} from './lamda/verify.js';
export { correctnessFeedback, fineTuningInstruction, refinementPrompt, classificationTask } from './lamda/refine.js';
export { SLICING_STRATEGIES, type Generator, type GenerationTask, type GeneratorReply, type RoundView, type SlicingPlan, type SlicingStrategy } from './lamda/generator.js';
export { widthSearchGenerator, narrowestModel, MIN_WIDTH, type WidthSearchOptions } from './lamda/width-search.js';
export { ollamaGenerator, type OllamaGeneratorOptions } from './lamda/ollama-generator.js';
export { createGenerator, GENERATOR_SPECS } from './lamda/generators.js';
export { runLamdaLoop, SUCCESS_APE, type LoopOptions, type LoopRound, type LoopResult } from './lamda/loop.js';
export { evaluateGenerator, latencyTargets, TABLE3_MODELS, type ModelEvaluation, type EvaluationOptions } from './lamda/evaluate.js';
export { slicingAblation, verificationAblation, generatorComparison, type SlicingRow, type VerificationRow, type SlicingAblation, type VerificationAblation, type GeneratorComparison } from './lamda/ablate.js';
export { table3, runsTable, slicingTable, verificationTable, generatorsTable } from './report/lamda-tables.js';
export { scaleWidth, taskHeads, removableSegments, changeDepth, changeKernels, applyVariant, sampleVariantRecipe, type VariantRecipe } from './lamda/transform.js';
export { graphFeatures, nodeFeatures, FEATURE_NAMES, type GraphFeatures } from './lamda/features.js';
export {
  fitPredictor,
  loadPredictor,
  savePredictor,
  predictorFromFile,
  predictorLatencyModel,
  evaluatePredictor,
  DEFAULT_PREDICTOR_PATH,
  type LatencyPredictor,
  type PredictorFile,
  type PredictorEval,
} from './lamda/predictor.js';
export { measureVariants, readLatencySamples, sampleGraph, type LatencySample } from './lamda/variants.js';
export { cacheDir, deviceKey, sameDevice, calibrationPath, readCalibration, writeCalibration, validateCalibration, type DeviceIdentity } from './latency/cache.js';
export { calibrate, scaleFit, predictorSha256, CALIBRATION_SET, CALIBRATION_FORMAT, type Calibration, type CalibrationSample, type CalibrateOptions, type MeasureFn } from './latency/calibrate.js';
export { predictorEstimator, predictorPathOf, PREDICTOR_SPECS, type PredictorLatencyEstimator, type PredictorEstimatorOptions, type PredictorStatus } from './latency/predictor-estimator.js';
export { targetVsMeasuredFigure, verificationFigure, cutEdgesFigure } from './report/figures.js';
export { METRICS, metricInfo, formatMetric, metricHeader, inDisplayUnit, isPreEvaluation, type MetricInfo, type MetricSource } from './metrics.js';
export { spaceLimits, mergeLimits, runLimits, hardLimits, evaluatedLimits, describeLimit, type LimitFields } from './limits.js';
export { limitScreen } from './campaign/screen.js';
export { loadDevice, listDevices, deviceLimits, parseDevice, DEVICES_DIR } from './device/profile.js';
export type { DeviceProfile, CortexMCoefficients } from './device/types.js';
export { cortexMLatency, cortexMEstimator, type CortexMLatency } from './latency/cortex-m.js';
export { createLatencyEstimator, checkLatencyModel, describeLatencyModel, LATENCY_MODELS } from './latency/select.js';
export type { LatencyEstimator as CandidateLatencyEstimator } from './latency/types.js';
export { correlateObservations, varianceSummary, SNR_THRESHOLD, type CorrelationResult, type CorrelationStatistic, type CorrelationOptions, type VarianceSummary } from './report/correlation.js';
export { loadCorrelationSources, type Observation as CorrelationObservation, type LoadedSources, type SourceSummary } from './report/correlation-sources.js';
export { correlationScatterInfo, correlationScatterFigure, type CorrelationScatterInfo } from './report/figures.js';
export { groupHypervolumeInfo, groupHypervolumeFigure, type GroupHypervolumeInfo, type GroupHypervolumePoint } from './report/figures.js';
export { QUANTILE_RULE, quantile, median, mean, sampleSd } from './stats/summary.js';
export { pearson, spearman, kendallTauB, rank, checkPairs, type PairNames } from './stats/rank-correlation.js';
export { erfc, normalCdf, normalSf } from './stats/normal.js';
export { mannWhitneyU, exactUpperTail, MAX_EXACT_CELLS, type MannWhitneyMethod, type MannWhitneyResult } from './stats/mann-whitney.js';
export { holm } from './stats/multiple-testing.js';
export { bootstrapInterval, type BootstrapInterval } from './stats/bootstrap.js';
export { varianceComponents, spearmanFromPearson, reliability, attenuatedPearson, type VarianceComponents } from './stats/variance-components.js';
