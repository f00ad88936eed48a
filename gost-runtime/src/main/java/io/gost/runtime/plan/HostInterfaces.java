package io.gost.runtime.plan;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * The network interfaces of the host that plans a configuration (in its own network namespace), for checking
 * {@code interface} values before anything starts. Tests pass a fixed set, so that a plan's outcome does not
 * depend on the machine.
 */
public interface HostInterfaces {

    /** True when an interface called {@code name} exists. */
    boolean hasInterface(String name) throws SocketException;

    /** True when {@code ip} (4 or 16 bytes) is an address of one of the interfaces. */
    boolean hasAddress(byte[] ip) throws SocketException;

    /** This host's, as {@link NetworkInterface} sees them. */
    HostInterfaces SYSTEM = new HostInterfaces() {
        @Override
        public boolean hasInterface(String name) throws SocketException {
            return NetworkInterface.getByName(name) != null;
        }

        @Override
        public boolean hasAddress(byte[] ip) throws SocketException {
            try {
                return NetworkInterface.getByInetAddress(InetAddress.getByAddress(ip)) != null;
            } catch (UnknownHostException e) {
                return false;
            }
        }
    };
}
