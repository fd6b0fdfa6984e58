"""Project hooks: parameter validation, dataset versions and per-node run metrics."""

from __future__ import annotations

import logging
import resource
import threading
import time
from pathlib import Path

from kedro.framework.hooks import hook_impl
from kedro.io.core import AbstractVersionedDataset, VersionNotFoundError

from crypto_lstm.parameters import check_trained_shape, validate_parameters

logger = logging.getLogger(__name__)

STATM = Path("/proc/self/statm")
PAGE_BYTES = resource.getpagesize()
SAMPLE_SECONDS = 0.05


class ParameterValidationHooks:
    """Validate the run's parameters before any node reads data.

    When the run reads a trained model instead of training one, the window
    size and the features are also compared with the model's training
    history, so a mismatch stops the run before any node writes a version.
    """

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog) -> None:
        parameters = catalog.load("parameters")
        validate_parameters(parameters)
        if "training_history" in pipeline.inputs() and catalog.exists(
            "training_history"
        ):
            check_trained_shape(catalog.load("training_history"), parameters)


DATASET_VERSIONS = "dataset_versions"


class DatasetVersionsHooks:
    """Tell the run's nodes which version of each versioned dataset they use.

    Before the first node runs, a ``dataset_versions`` entry is added to the
    run's catalog. For each versioned dataset that the pipeline writes, it
    records the version this run saves. For a dataset the pipeline only
    reads, it records the version loaded: the latest, or the one that
    ``--load-versions`` pins, or None if no version exists yet. The reporting
    pipeline shows it in the HTML report.
    """

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog) -> None:
        written = pipeline.all_outputs()
        versions = {}
        for name in sorted(pipeline.datasets()):
            dataset = catalog.get(name)
            if not isinstance(dataset, AbstractVersionedDataset):
                continue
            if name in written:
                versions[name] = {
                    "access": "written",
                    "version": dataset.resolve_save_version(),
                }
                continue
            try:
                version = dataset.resolve_load_version()
            except VersionNotFoundError:
                version = None
            versions[name] = {"access": "read", "version": version}
        catalog[DATASET_VERSIONS] = versions


def _resident_bytes() -> int:
    """Return the process's current resident memory in bytes.

    Reads /proc/self/statm on Linux; elsewhere falls back to the peak so far
    from getrusage (kilobytes on Linux, bytes on macOS: a rough fallback).
    """
    try:
        return int(STATM.read_text().split()[1]) * PAGE_BYTES
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class _PeakSampler:
    """Background thread that tracks the maximum resident memory until stopped."""

    def __init__(self):
        self.peak = _resident_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.peak = max(self.peak, _resident_bytes())

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _resident_bytes())
        return self.peak


class RunMetricsHooks:
    """Record wall time and peak resident memory per node, and training speed.

    Peak memory is sampled every 50 ms while a node runs, so a spike shorter
    than that can be missed. After a successful run the figures are saved to
    the ``benchmarks`` dataset; a failed run saves nothing.
    """

    def __init__(self):
        self._started: dict[str, float] = {}
        self._samplers: dict[str, _PeakSampler] = {}
        self._nodes: dict[str, dict] = {}
        self._training: dict = {}
        self._run_started = 0.0

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog) -> None:
        self._nodes = {}
        self._training = {}
        self._run_started = time.perf_counter()

    @hook_impl
    def before_node_run(self, node) -> None:
        self._samplers[node.name] = _PeakSampler()
        self._started[node.name] = time.perf_counter()

    @hook_impl
    def after_node_run(self, node, outputs) -> None:
        seconds = time.perf_counter() - self._started.pop(node.name)
        peak = self._samplers.pop(node.name).stop()
        self._nodes[node.name] = {
            "wall_seconds": round(seconds, 3),
            "peak_rss_mb": round(peak / 2**20, 1),
        }
        history = outputs.get("training_history")
        if isinstance(history, dict) and "sequences_per_second" in history:
            self._training = {
                "sequences_per_second_per_epoch": history["sequences_per_second"],
                "feed_sequences_per_second": history["feed_sequences_per_second"],
            }

    @hook_impl
    def on_node_error(self, node) -> None:
        self._started.pop(node.name, None)
        sampler = self._samplers.pop(node.name, None)
        if sampler is not None:
            sampler.stop()

    @hook_impl
    def after_pipeline_run(self, run_params, pipeline, catalog) -> None:
        if "benchmarks" not in catalog:
            return
        record = {
            "pipeline": run_params.get("pipeline_names") or ["__default__"],
            "wall_seconds": round(time.perf_counter() - self._run_started, 3),
            "peak_rss_mb": max(
                (node["peak_rss_mb"] for node in self._nodes.values()), default=None
            ),
            "nodes": self._nodes,
            "training": self._training,
        }
        catalog.save("benchmarks", record)
        logger.info(
            "Run took %.1f s with a peak resident memory of %s MB",
            record["wall_seconds"],
            record["peak_rss_mb"],
        )
