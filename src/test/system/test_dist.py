"""The tarball `mvn package` builds (dist/target/quail-VERSION.tar.gz), unpacked as an operator would: it runs,
serves and delivers with no Maven and no checkout."""
import glob
import os
import shutil
import subprocess
import tempfile
import unittest

from quailtest import ROOT, Server, quail, wait_until


class Tarball(unittest.TestCase):
    def setUp(self):
        quail("--version")  # builds the distribution, the tarball with it, when the sources are newer
        [tarball] = glob.glob(os.path.join(ROOT, "dist", "target", "quail-*.tar.gz"))
        self.dir = tempfile.mkdtemp(prefix="quail-st-dist-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        subprocess.run(["tar", "xzf", tarball, "-C", self.dir], check=True)
        [self.top] = glob.glob(os.path.join(self.dir, "quail-*"))
        # A Maven that leaves a mark: the installed launcher must never build.
        fake = os.path.join(self.dir, "fake-bin")
        os.makedirs(fake)
        self.mark = os.path.join(self.dir, "maven-ran")
        with open(os.path.join(fake, "mvn"), "w") as f:
            f.write("#!/bin/sh\ntouch '%s'\nexit 1\n" % self.mark)
        os.chmod(os.path.join(fake, "mvn"), 0o755)
        self.env = dict(os.environ, PATH=fake + os.pathsep + os.environ["PATH"])

    def run_bin(self, name, *args, input=None, env=None):
        return subprocess.run([os.path.join(self.top, "bin", name)] + list(args), input=input, capture_output=True,
                              env=dict(self.env, **(env or {})), timeout=120, check=True)

    def test_bin_quail_starts_and_bin_sendmail_delivers_without_building(self):
        self.assertEqual(self.run_bin("quail", "--version").stdout.decode().strip(), "quail 0.1.0")
        for part in ("lib", "docs/http-api.md", "systemd/quail.service", "bin/sendmail", "bin/qmail-queue"):
            self.assertTrue(os.path.exists(os.path.join(self.top, part)), part)

        home = os.path.join(self.dir, "home")
        server = Server(home, env=self.env, launcher=os.path.join(self.top, "bin", "quail"))
        os.makedirs(home)
        server.start()
        self.addCleanup(server.stop)
        self.run_bin("sendmail", "postmaster@localhost", input=b"Subject: installed\n\nbody\n",
                     env={"QUAIL_HOME": home})
        new = os.path.join(home, "mailboxes", "localhost", "postmaster", "Maildir", "new")
        wait_until(lambda: os.path.isdir(new) and os.listdir(new), 60, what="the message in the Maildir")
        self.assertEqual(server.stop(), 0)
        self.assertFalse(os.path.exists(self.mark), "the installed launcher ran Maven")
        self.assertFalse(os.path.exists(os.path.join(self.top, "engine")), "nothing was built beside it")


if __name__ == "__main__":
    unittest.main()
