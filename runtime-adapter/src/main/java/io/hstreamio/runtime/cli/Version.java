package io.hstreamio.runtime.cli;

import picocli.CommandLine.IVersionProvider;

final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = HStreamIoCli.class.getPackage().getImplementationVersion();
        return new String[] {"hstream-io " + (v == null ? "(development build)" : v)};
    }
}
