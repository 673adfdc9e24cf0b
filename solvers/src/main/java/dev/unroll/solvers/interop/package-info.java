/**
 * Networks to and from other tools: PyTorch state dicts in ADOPTY's layout ({@link
 * dev.unroll.solvers.interop.AdoptyStateDict}, written and read as {@code torch.save} files by {@link
 * dev.unroll.solvers.interop.TorchFiles}) and ONNX graphs ({@link dev.unroll.solvers.interop.OnnxExport}).
 * Every format is written and read here directly, without PyTorch, protoc or a pickle interpreter.
 */
package dev.unroll.solvers.interop;
