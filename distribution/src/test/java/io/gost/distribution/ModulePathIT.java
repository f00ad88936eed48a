package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;

/**
 * lib/ is what Java 17 reads at every start of bin/gost (it resolves the module path anew each time). A jar
 * without a module descriptor (an automatic module), or with one that does not list its packages, makes the JVM
 * list every entry of the jar first; the build gives each its descriptor and package list
 * (src/build/ModuleDescriptors.java), which halves the module system's part of a start.
 */
class ModulePathIT {

    @Test
    void everyJarInLibIsAModuleWhoseDescriptorListsItsPackages() throws IOException {
        List<Path> jars;
        try (Stream<Path> list = Files.list(GostProcess.home().resolve("lib"))) {
            jars = list.filter(path -> path.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
        assertThat(jars).hasSizeGreaterThan(40);

        List<String> automatic = new ArrayList<>();
        List<String> withoutPackages = new ArrayList<>();
        for (Path jar : jars) {
            ModuleDescriptor found = ModuleFinder.of(jar).findAll().iterator().next().descriptor();
            if (found.isAutomatic()) {
                automatic.add(jar.getFileName().toString());
                continue;
            }
            // As the JVM reads it: the descriptor for this Java's version of a multi-release jar. The package
            // finder is asked only when the descriptor has no ModulePackages attribute.
            try (JarFile file = new JarFile(jar.toFile(), false, ZipFile.OPEN_READ, Runtime.version())) {
                JarEntry moduleInfo = file.getJarEntry("module-info.class");
                try (InputStream in = file.getInputStream(moduleInfo)) {
                    ModuleDescriptor.read(in, () -> {
                        if (!found.packages().isEmpty()) {
                            withoutPackages.add(jar.getFileName() + " (" + moduleInfo.getRealName() + ")");
                        }
                        return found.packages();
                    });
                }
            }
        }

        assertThat(automatic).as("automatic modules in lib/").isEmpty();
        assertThat(withoutPackages).as("module descriptors in lib/ without a ModulePackages attribute").isEmpty();
    }
}
