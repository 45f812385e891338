"""Keras reference models converted to .tflite, cached outside git.

Built with tensorflow-cpu (weights=None: random init, no download) and kept
in $JITLITE_MODEL_CACHE (default ~/.cache/jitlite/models), keyed by name and
TensorFlow version, so the conversion cost is paid once per machine.
keras_model_path(name, quantization=...) converts with post-training
quantization instead:
- "dynamic_range" (Optimize.DEFAULT, no representative dataset): INT8
  weights, float activations, i.e. hybrid FULLY_CONNECTED / CONV_2D /
  DEPTHWISE_CONV_2D;
- "int8": full-integer, calibrated on a few random inputs (seeded), INT8
  inputs and outputs;
- "float16": FLOAT16 weights behind DEQUANTIZE nodes.
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
        "transformer_encoder": _transformer_encoder,
        "lstm_classifier": _lstm_classifier,
        "gru_classifier": _gru_classifier,
        "unet": _unet,
        "dynamic_batch_cnn": _dynamic_batch_cnn,
        "lstm_while": lambda: _recurrent_while(tf.keras.layers.LSTM),
        "gru_while": lambda: _recurrent_while(tf.keras.layers.GRU),
        "stacked_rnn_while": _stacked_rnn_while,
    }


def _transformer_encoder(layers_count=4, seq=128, d_model=256, heads=4):
    """A 4-layer post-norm transformer encoder (seq 128, d 256, 4 heads, FFN 4d)."""
    import tensorflow as tf

    layers = tf.keras.layers
    x = inputs = tf.keras.Input((seq, d_model), batch_size=1)
    for _ in range(layers_count):
        attention = layers.MultiHeadAttention(heads, d_model // heads)(x, x)
        x = layers.LayerNormalization()(x + attention)
        ffn = layers.Dense(d_model)(layers.Dense(4 * d_model, activation="gelu")(x))
        x = layers.LayerNormalization()(x + ffn)
    return tf.keras.Model(inputs, x)


def _lstm_classifier(seq=32, features=40, units=128, classes=10):
    """Two LSTM layers and a softmax classifier over a 32-step sequence. Unrolled: the converter
    turns a Keras 3 LSTM into a WHILE loop otherwise (jitlite runs no control flow yet)."""
    import tensorflow as tf

    layers = tf.keras.layers
    return tf.keras.Sequential([
        tf.keras.Input((seq, features), batch_size=1),
        layers.LSTM(units, return_sequences=True, unroll=True),
        layers.LSTM(units, unroll=True),
        layers.Dense(classes, activation="softmax"),
    ])


def _gru_classifier(seq=16, features=20, units=48, classes=5):
    """Two GRU layers (unrolled, as the LSTM classifier) and a softmax classifier."""
    import tensorflow as tf

    layers = tf.keras.layers
    return tf.keras.Sequential([
        tf.keras.Input((seq, features), batch_size=1),
        layers.GRU(units, return_sequences=True, unroll=True),
        layers.GRU(units, unroll=True),
        layers.Dense(classes, activation="softmax"),
    ])


def _unet(size=64, channels=3, classes=4):
    """A two-level U-Net-like segmenter: strided and pooled down-sampling, Conv2DTranspose and
    UpSampling2D up-sampling, skip connections through Concatenate, per-pixel softmax."""
    import tensorflow as tf

    layers = tf.keras.layers
    inputs = tf.keras.Input((size, size, channels), batch_size=1)
    d1 = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    d2 = layers.Conv2D(32, 3, padding="same", activation="relu")(layers.MaxPooling2D()(d1))
    bottom = layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(d2)
    u2 = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(bottom)
    u2 = layers.Conv2D(32, 3, padding="same", activation="relu")(layers.Concatenate()([u2, d2]))
    u1 = layers.UpSampling2D(interpolation="bilinear")(u2)
    u1 = layers.Conv2D(16, 3, padding="same", activation="relu")(layers.Concatenate()([u1, d1]))
    outputs = layers.Conv2D(classes, 1, activation="softmax")(u1)
    return tf.keras.Model(inputs, outputs)


def _dynamic_batch_cnn(size=32, channels=3, classes=10):
    """A CNN whose batch dimension is left dynamic (shape_signature -1): the converter emits the
    SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE idiom for the Flatten."""
    import tensorflow as tf

    layers = tf.keras.layers
    return tf.keras.Sequential([
        tf.keras.Input((size, size, channels)),
        layers.Conv2D(8, 3, strides=2, padding="same", activation="relu"),
        layers.Conv2D(16, 3, strides=2, padding="same", activation="relu"),
        layers.Flatten(),
        layers.Dense(classes),
    ])


def _recurrent_while(layer, seq=16, features=8, units=16):
    """One recurrent layer, not unrolled: the converter makes it a WHILE whose condition and body
    (the cell: FULLY_CONNECTED, GATHER of the time step, SPLIT, gates) are subgraphs 1 and 2."""
    import tensorflow as tf

    return tf.keras.Sequential([tf.keras.Input((seq, features), batch_size=1), layer(units)])


def _stacked_rnn_while(seq=16, features=8, units=16):
    """LSTM (return_sequences: its body writes each step into a TensorList with value-dependent
    slices), GRU and a bidirectional SimpleRNN, not unrolled: three WHILE loops."""
    import tensorflow as tf

    layers = tf.keras.layers
    return tf.keras.Sequential([
        tf.keras.Input((seq, features), batch_size=1),
        layers.LSTM(units, return_sequences=True),
        layers.GRU(units, return_sequences=True),
        layers.Bidirectional(layers.SimpleRNN(units // 2)),
    ])


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


QUANTIZATIONS = (None, "dynamic_range", "int8", "float16")


def keras_model_path(name: str, dynamic_range: bool = False,
                     quantization: str = None) -> pathlib.Path:
    """Path of the .tflite for a named Keras model, converting it on first use: float32, or
    quantized as `quantization` says (dynamic_range=True is quantization="dynamic_range")."""
    import numpy as np
    import tensorflow as tf

    if dynamic_range:
        quantization = "dynamic_range"
    if quantization not in QUANTIZATIONS:
        raise ValueError(f"quantization must be one of {QUANTIZATIONS}, got {quantization!r}")
    variant = f"_{quantization}" if quantization else ""
    path = CACHE_DIR / f"{name}{variant}_tf{tf.__version__}.tflite"
    if path.exists():
        return path
    tf.keras.utils.set_random_seed(0)
    model = _builders()[name]()
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if quantization:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if quantization == "float16":
        converter.target_spec.supported_types = [tf.float16]
    if quantization == "int8":
        shape = [1] + list(model.inputs[0].shape[1:])

        def calibration():
            rng = np.random.default_rng(0)
            for _ in range(4):
                yield [rng.uniform(-1, 1, shape).astype(np.float32)]

        converter.representative_dataset = calibration
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    data = converter.convert()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(data)
    tmp.replace(path)  # atomic: concurrent test runs never see half a file
    return path
