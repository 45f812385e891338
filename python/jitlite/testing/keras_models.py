"""Keras reference models converted to .tflite, cached outside git.

Built with tensorflow-cpu (weights=None: random init, no download) and kept
in $JITLITE_MODEL_CACHE (default ~/.cache/jitlite/models), keyed by name and
TensorFlow version, so the conversion cost is paid once per machine.
keras_model_path(name, dynamic_range=True) converts with dynamic-range
quantization (Optimize.DEFAULT, no representative dataset): INT8 weights,
float activations, i.e. hybrid FULLY_CONNECTED / CONV_2D / DEPTHWISE_CONV_2D.
"""
import os
import pathlib

CACHE_DIR = pathlib.Path(os.environ.get("JITLITE_MODEL_CACHE",
                                        pathlib.Path.home() / ".cache" / "jitlite" / "models"))


def _builders():
    import tensorflow as tf

    apps = tf.keras.applications
    return {
        "mobilenet_v1": lambda: apps.MobileNet(weights=None, input_shape=(224, 224, 3)),
        "mobilenet_v2": lambda: apps.MobileNetV2(weights=None, input_shape=(224, 224, 3)),
        "mobilenet_v3_small": lambda: apps.MobileNetV3Small(weights=None, input_shape=(224, 224, 3)),
        "mobilenet_v3_large": lambda: apps.MobileNetV3Large(weights=None, input_shape=(224, 224, 3)),
        "efficientnet_b0": lambda: apps.EfficientNetB0(weights=None, input_shape=(224, 224, 3)),
        "small_cnn": _small_cnn,
    }


def _small_cnn():
    """Conv2D, DepthwiseConv2D and Dense layers with random weights. Every layer but the last
    has at least 1024 weights, the converter's threshold for quantizing a weight tensor."""
    import tensorflow as tf

    layers = tf.keras.layers
    return tf.keras.Sequential([
        tf.keras.Input((24, 24, 3), batch_size=1),
        layers.Conv2D(32, 3, strides=2, padding="same", activation="relu"),
        layers.DepthwiseConv2D(3, depth_multiplier=4, padding="same", activation="relu6"),
        layers.Conv2D(24, 1),
        layers.GlobalAveragePooling2D(),
        layers.Dense(64, activation="relu"),
        layers.Dense(10),
    ])


def keras_model_path(name: str, dynamic_range: bool = False) -> pathlib.Path:
    """Path of the .tflite for a named Keras model, converting it on first use: float32, or
    with dynamic-range quantized (INT8) weights."""
    import tensorflow as tf

    variant = "_dynamic_range" if dynamic_range else ""
    path = CACHE_DIR / f"{name}{variant}_tf{tf.__version__}.tflite"
    if path.exists():
        return path
    tf.keras.utils.set_random_seed(0)
    model = _builders()[name]()
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if dynamic_range:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    data = converter.convert()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(data)
    tmp.replace(path)  # atomic: concurrent test runs never see half a file
    return path
