#!/usr/bin/env bash
# Run the training benchmark on a machine with an NVIDIA GPU and print the same
# JSON line as `make bench`. TensorFlow's GPU build comes from the `and-cuda`
# extra of the `tensorflow` package, which replaces `tensorflow-cpu` in a
# separate virtual environment (the two distributions overwrite each other).
#
#   bash benchmarks/gpu.sh
#
# The project configuration runs with modelling.precision=mixed, which picks
# mixed_float16 on a GPU; the plain fit stays float32, batch 256.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv-gpu
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet -c constraints.txt -e .
  "$venv/bin/python" -m pip uninstall --quiet --yes tensorflow-cpu
  "$venv/bin/python" -m pip install --quiet "tensorflow[and-cuda]==$(grep -i '^tensorflow[-_]cpu==' constraints.txt | cut -d= -f3)"
fi

"$venv/bin/python" -c "import tensorflow as tf; gpus = tf.config.list_physical_devices('GPU'); print('GPUs:', gpus, flush=True); assert gpus, 'TensorFlow sees no GPU'" >&2
export KEDRO_DISABLE_TELEMETRY=true TF_CPP_MIN_LOG_LEVEL=2
BENCH_PRECISION=mixed "$venv/bin/python" benchmarks/training.py
