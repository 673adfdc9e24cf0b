package dev.unroll.cuda;

import dev.unroll.engine.BackendStatus;
import dev.unroll.engine.Backends;
import dev.unroll.engine.spi.Availability;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The probe never throws and names what is missing with its fix; on a machine without libcuda.so.1 it says
 * exactly that (the CPU CI machines).
 */
class ProbeTest {

    @Test
    void probeNeverThrowsAndExplainsItself() {
        Availability a = new CudaProvider().probe();
        Assertions.assertNotNull(a);
        if (!a.available()) {
            Assertions.assertFalse(a.reason().isBlank(), "an unavailable probe needs a reason");
            Assertions.assertFalse(a.fix().isBlank(), "an unavailable probe needs a fix");
        }
    }

    @Test
    void withoutLibcudaTheReasonNamesIt() {
        Assumptions.assumeTrue(CudaProbe.libcudaFailure() != null, "libcuda.so.1 loads here");
        Availability a = new CudaProvider().probe();
        Assertions.assertFalse(a.available());
        Assertions.assertTrue(a.reason().contains("libcuda.so.1"), a.reason());
        Assertions.assertTrue(a.fix().contains("cpu-vector"), a.fix());
    }

    @Test
    void theProviderIsInstalledAndRanksAboveTheCpu() {
        BackendStatus cuda = Backends.survey().stream().filter(s -> s.name().equals("cuda")).findFirst().orElseThrow();
        BackendStatus cpu = Backends.survey().stream().filter(s -> s.name().equals("reference")).findFirst().orElseThrow();
        Assertions.assertTrue(cuda.priority() > 100, "cuda must rank above cpu-vector (100)");
        Assertions.assertTrue(cuda.priority() > cpu.priority());
    }

    @Test
    void messagesSayWhatIsMissingAndTheFix() {
        Availability noDriver = ProbeMessages.noLibcuda("libcuda.so.1: cannot open shared object file");
        Assertions.assertTrue(noDriver.reason().contains("libcuda.so.1"));
        Assertions.assertTrue(noDriver.fix().contains("driver"));
        Availability noDevice = ProbeMessages.initFailed(100);
        Assertions.assertTrue(noDevice.reason().contains("CUDA_ERROR_NO_DEVICE"), noDevice.reason());
        Assertions.assertTrue(ProbeMessages.initFailed(35).fix().contains("R525"));
        Assertions.assertTrue(ProbeMessages.noDevice(2, 1).fix().contains("0..0"));
        Availability noBlas = ProbeMessages.noCublas("FFM: libcublas.so.13: not found; JCublas2: libcublas.so.12: not found");
        Assertions.assertTrue(noBlas.reason().contains("libcublas.so.13") && noBlas.reason().contains("libcublas.so.12"));
        Assertions.assertTrue(noBlas.fix().contains("CUBLAS_LIBRARY"));
        Availability rejected = ProbeMessages.imagesRejected(12020, "unroll.sm80.isa80.ptx: CUDA_ERROR_UNSUPPORTED_PTX_VERSION");
        Assertions.assertTrue(rejected.reason().contains("CUDA 12.2"), rejected.reason());
        Assertions.assertTrue(rejected.fix().contains("driver"));
    }

    @Test
    void statusNamesComeFromTheTables() {
        Assertions.assertEquals("CUDA_ERROR_NO_DEVICE", Status.driverName(100));
        Assertions.assertEquals("CUBLAS_STATUS_NOT_SUPPORTED", Status.cublasName(15));
        CudaException e = Assertions.assertThrows(CudaException.class, () -> Status.cublas(13, "cublasSgemm_v2"));
        Assertions.assertTrue(e.getMessage().startsWith("cublasSgemm_v2 failed: CUBLAS_STATUS_EXECUTION_FAILED"));
        CudaException d = Assertions.assertThrows(CudaException.class, () -> Status.cu(2, "cuMemAlloc"));
        Assertions.assertTrue(d.getMessage().contains("cuMemAlloc") && d.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY"));
    }
}
