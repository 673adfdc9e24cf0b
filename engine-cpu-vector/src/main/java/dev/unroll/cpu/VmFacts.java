package dev.unroll.cpu;

import java.util.List;

/**
 * What the probe decides on, gathered from the running JVM or written by hand in tests.
 *
 * @param vectorModulePresent whether {@code jdk.incubator.vector} is in the boot layer
 * @param vmName              {@code java.vm.name}
 * @param vmInfo              {@code java.vm.info}
 * @param osArch              {@code os.arch}
 * @param jvmArguments        the JVM's input arguments
 * @param preferredBits       the Vector API's preferred width (0 when the module is absent)
 */
record VmFacts(boolean vectorModulePresent, String vmName, String vmInfo, String osArch, List<String> jvmArguments,
               int preferredBits) {

    /** Copies the argument list. */
    VmFacts {
        jvmArguments = List.copyOf(jvmArguments);
    }
}
