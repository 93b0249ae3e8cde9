"""Mailing lists (issue 14), end to end with one server for the module: subscribing by mail through Quail's own
SMTP (a forged confirmation gets a fresh request, the real one a welcome), a post that reaches every member at a
remote sink with the List-* fields, a VERP envelope sender and a DKIM signature that python3-dkim verifies and that
covers the per-recipient List-Unsubscribe; one-click unsubscribe over the admin listener (a forged token is
refused); and a member whose server answers 550 walked through warning, probe and removal on a 2-second bounce
timeout."""
import os
import re
import shutil
import smtplib
import tempfile
import unittest
import urllib.error
import urllib.request
from email import message_from_bytes

import dkim

import peers
from quailtest import Server, free_port, quail, wait_until

DOMAIN = "lists.test"


class Lists(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix="quail-st-lists-")
        control = os.path.join(cls.home, "control")
        os.makedirs(control)
        cls.sink_dir = os.path.join(cls.home, "sink")
        os.makedirs(cls.sink_dir)
        far, dead = free_port(), free_port()
        cls.far = peers.FileSink("127.0.9.11", far, cls.sink_dir)
        cls.dead = peers.ScriptedSink([("127.0.9.12", dead)], rcpt=lambda address: "550 5.1.1 no such user")
        cls.http = free_port()
        files = {"me": DOMAIN, "locals": DOMAIN,
                 "smtproutes": "far.test:127.0.9.11:%d\ndead.test:127.0.9.12:%d\n" % (far, dead)}
        for name, value in files.items():
            with open(os.path.join(control, name), "w") as f:
                f.write(value + "\n")
        cls.dkim_record = quail("dkim", "keygen", "--home", cls.home, DOMAIN).stdout.decode()
        quail("user", "add", "--home", cls.home, "dora@" + DOMAIN)  # a member with a mailbox here
        cls.server = Server(cls.home, extra=["--http", "127.0.0.1:%d" % cls.http]).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.far.close()
        cls.dead.close()
        shutil.rmtree(cls.home, ignore_errors=True)

    def run(self, result=None):
        before = len(result.errors) + len(result.failures) if result else 0
        outcome = super().run(result)
        if result is not None and len(result.errors) + len(result.failures) > before:
            print("\n--- server output ---\n%s" % self.server.output()[-4000:])
        return outcome

    def list(self, *args, check=True, input=None):
        return quail("list", args[0], "--home", self.home, *args[1:], check=check, input=input)

    def members(self, name):
        return self.list("members", name).stdout.decode().split()

    def create(self, name, *options, bouncetimeout=None, owner="boss@" + DOMAIN):
        self.list("create", name, "--owner", owner, *options)
        directory = os.path.join(self.home, "lists", DOMAIN, name.split("@")[0])
        with open(os.path.join(directory, "url"), "w") as f:
            f.write("http://127.0.0.1:%d\n" % self.http)
        if bouncetimeout:
            with open(os.path.join(directory, "bouncetimeout"), "w") as f:
                f.write("%d\n" % bouncetimeout)

    def send(self, sender, recipient, text):
        with smtplib.SMTP("127.0.0.1", self.server.port, timeout=30) as s:
            s.sendmail(sender, [recipient], text.replace("\n", "\r\n").encode())

    def at_sink(self, predicate, what):
        """The first message the far sink stored that predicate(sender, recipients, bytes) accepts."""
        def find():
            for sender, recipients, path, _ in list(self.far.messages):
                with open(path, "rb") as f:
                    data = f.read()
                if predicate(sender, recipients, data):
                    return sender, recipients, data
            return None
        return wait_until(find, 60, what=what)

    def test_subscribe_by_mail_post_to_members_with_list_fields_verp_dkim_and_one_click_unsubscribe(self):
        self.create("news@" + DOMAIN)
        self.list("subscribe", "news@" + DOMAIN, "bob@far.test", "dora@" + DOMAIN)
        # Subscribing by mail: the request goes to the target, whose reply (to Reply-To) confirms it.
        self.send("carol@far.test", "news-subscribe@" + DOMAIN, "Subject: sub\n\nplease\n")
        _, _, request = self.at_sink(lambda s, r, d: r == ["carol@far.test"] and b"confirm subscribe" in d,
                                     "the confirmation request")
        confirm = message_from_bytes(request)["Reply-To"]
        self.assertRegex(confirm, r"^news-sc\.[0-9]+\.[a-p]{20}-carol=far\.test@lists\.test$")
        forged = re.sub(r"\.([a-p])([a-p]{19})-", lambda m: "." + ("b" if m.group(1) == "a" else "a")
                        + m.group(2) + "-", confirm)
        self.send("carol@far.test", forged, "Subject: Re: confirm\n\nyes\n")
        self.at_sink(lambda s, r, d: r == ["carol@far.test"] and b"not valid or has expired" in d,
                     "a fresh request after the forged cookie")
        self.assertNotIn("carol@far.test", self.members("news@" + DOMAIN))
        self.send("carol@far.test", confirm, "Subject: Re: confirm\n\nyes\n")
        self.at_sink(lambda s, r, d: r == ["carol@far.test"] and b"WELCOME" in d, "the welcome")
        self.assertEqual(sorted(self.members("news@" + DOMAIN)),
                         ["bob@far.test", "carol@far.test", "dora@lists.test"])

        # Unknown addresses at the list's domain are refused at RCPT; the list's own are known.
        with smtplib.SMTP("127.0.0.1", self.server.port, timeout=30) as s:
            s.mail("x@far.test")
            self.assertEqual(s.rcpt("nolist@" + DOMAIN)[0], 550)
            self.assertEqual(s.rcpt("news-help@" + DOMAIN)[0], 250)

        self.send("boss@" + DOMAIN, "news@" + DOMAIN, "From: boss@lists.test\nTo: news@lists.test\n"
                  "Subject: first post\nMessage-ID: <p1@lists.test>\n\nhello, list\n")
        posts = {}
        for member in ("bob@far.test", "carol@far.test"):
            verp = "news-return-1-%s@lists.test" % member.replace("@", "=")
            posts[member] = self.at_sink(lambda s, r, d: s == verp and r == [member], "the post for " + member)[2]
        # A member with a mailbox here gets the post in her Maildir, with her own fields under Delivered-To.
        new = os.path.join(self.home, "mailboxes", DOMAIN, "dora", "Maildir", "new")
        wait_until(lambda: os.listdir(new), 60, what="the post in dora's Maildir")
        with open(os.path.join(new, os.listdir(new)[0]), "rb") as f:
            dora = message_from_bytes(f.read())
        self.assertEqual(dora["Return-Path"], "<news-return-1-dora=lists.test@lists.test>")
        self.assertIn("<mailto:news-unsubscribe-dora=lists.test@lists.test>", dora["List-Unsubscribe"])
        bob = message_from_bytes(posts["bob@far.test"])
        self.assertEqual(bob["List-Id"], "<news.lists.test>")
        self.assertEqual(bob["List-Post"], "<mailto:news@lists.test>")
        self.assertEqual(bob["List-Help"], "<mailto:news-help@lists.test>")
        self.assertEqual(bob["List-Subscribe"], "<mailto:news-subscribe@lists.test>")
        self.assertEqual(bob["Precedence"], "list")
        self.assertEqual(bob["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertTrue(bob["Mailing-List"].startswith("contact news-help@lists.test"))
        urls = re.findall(r"<([^>]+)>", bob["List-Unsubscribe"])
        self.assertEqual(urls[1], "mailto:news-unsubscribe-bob=far.test@lists.test")
        self.assertTrue(urls[0].startswith("http://127.0.0.1:%d/lists/news@lists.test/unsubscribe/" % self.http))
        self.assertNotEqual(urls[0], re.findall(r"<([^>]+)>", message_from_bytes(posts["carol@far.test"])
                                                ["List-Unsubscribe"])[0])
        self.assertTrue(os.path.exists(os.path.join(self.home, "lists", DOMAIN, "news", "archive", "0", "01")))

        # The signature covers the per-recipient field: changing the link breaks it.
        wire = posts["bob@far.test"].replace(b"\n", b"\r\n")
        dns = lambda name, timeout=5: "".join(re.findall(r'"([^"]*)"', self.dkim_record)).encode()
        self.assertTrue(dkim.verify(wire, dnsfunc=dns), "python3-dkim refused the list post's signature")
        self.assertFalse(dkim.verify(wire.replace(b"/unsubscribe/", b"/unsubscribe/x"), dnsfunc=dns))

        # One-click: a forged token is refused, GET only asks, POST unsubscribes.
        forged_url = urls[0][:-1] + ("a" if urls[0][-1] != "a" else "b")
        for data in (None, b"List-Unsubscribe=One-Click"):
            with self.assertRaises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(urllib.request.Request(forged_url, data=data), timeout=30)
            self.assertEqual(refused.exception.code, 403)
        with self.assertRaises(urllib.error.HTTPError) as wrong_body:
            urllib.request.urlopen(urllib.request.Request(urls[0], data=b"List-Unsubscribe=Yes"), timeout=30)
        self.assertEqual(wrong_body.exception.code, 400)
        page = urllib.request.urlopen(urls[0], timeout=30).read()
        self.assertIn(b"List-Unsubscribe", page)
        self.assertIn("bob@far.test", self.members("news@" + DOMAIN))
        done = urllib.request.urlopen(urllib.request.Request(urls[0], data=b"List-Unsubscribe=One-Click"),
                                      timeout=30)
        self.assertEqual(done.status, 200)
        self.assertEqual(sorted(self.members("news@" + DOMAIN)), ["carol@far.test", "dora@lists.test"])
        # RFC 8058 allows the body as multipart/form-data too.
        carol_url = re.findall(r"<([^>]+)>", message_from_bytes(posts["carol@far.test"])["List-Unsubscribe"])[0]
        multipart = (b'--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n'
                     b'--b--\r\n')
        done = urllib.request.urlopen(urllib.request.Request(
            carol_url, data=multipart, headers={"Content-Type": "multipart/form-data; boundary=b"}), timeout=30)
        self.assertEqual(done.status, 200)
        self.assertEqual(self.members("news@" + DOMAIN), ["dora@lists.test"])

    def test_a_member_whose_server_refuses_is_warned_probed_and_removed(self):
        self.create("flaky@" + DOMAIN, bouncetimeout=2)
        self.list("subscribe", "flaky@" + DOMAIN, "dead@dead.test", "alive@far.test")
        self.send("boss@" + DOMAIN, "flaky@" + DOMAIN, "From: boss@lists.test\nSubject: hi\n\nhello\n")
        self.at_sink(lambda s, r, d: r == ["alive@far.test"] and s.startswith("flaky-return-1-"), "the post")
        for step in ("sent a warning to dead@dead.test", "sent a probe to dead@dead.test"):
            wait_until(lambda: step in self.server.log(), 60, what=step)
        wait_until(lambda: "dead@dead.test" not in self.members("flaky@" + DOMAIN), 60, what="the removal")
        self.assertEqual(self.members("flaky@" + DOMAIN), ["alive@far.test"])
        with open(os.path.join(self.home, "lists", DOMAIN, "flaky", "Log")) as f:
            self.assertRegex(f.read(), r"-probe dead@dead\.test")
        self.assertEqual(self.list("bounces", "flaky@" + DOMAIN).stdout, b"")

    def test_a_moderated_list_holds_a_post_until_the_owner_accepts_it(self):
        self.create("mod@" + DOMAIN, "--moderated", owner="owner@far.test")
        self.list("subscribe", "mod@" + DOMAIN, "reader@far.test")
        self.send("poster@far.test", "mod@" + DOMAIN, "From: poster@far.test\nSubject: held post\n\nhello\n")
        _, _, request = self.at_sink(lambda s, r, d: r == ["owner@far.test"] and b"MODERATE for mod@" in d,
                                     "the moderation request")
        self.assertIn(b"Subject: held post", request)
        self.assertFalse([m for m in self.far.messages if m[1] == ["reader@far.test"]], "nothing sent yet")
        accept = message_from_bytes(request)["Reply-To"]
        self.assertRegex(accept, r"^mod-accept-[0-9]+\.[0-9a-z]+\.[a-p]{20}@lists\.test$")
        self.send("owner@far.test", accept, "Subject: Re: MODERATE\n\nok\n")
        _, _, post = self.at_sink(lambda s, r, d: r == ["reader@far.test"] and s.startswith("mod-return-1-"),
                                  "the accepted post")
        self.assertIn(b"Subject: held post", post)
        self.assertIn(b"List-Id: <mod.lists.test>", post)

    def test_bad_input_gets_a_clear_refusal(self):
        bad = self.list("create", "a/b@" + DOMAIN, check=False)
        self.assertEqual(bad.returncode, 100)
        self.assertIn(b"LIST@DOMAIN", bad.stderr)
        self.create("misc@" + DOMAIN)
        p = self.list("subscribe", "misc@" + DOMAIN, input=b"ok@far.test\nbad\n<x@y>\nsp ace@far.test\n", check=False)
        self.assertEqual(p.returncode, 100)
        self.assertIn(b"1 subscribed", p.stdout)
        self.assertEqual(p.stderr.count(b"skipped"), 3)
        self.assertEqual(self.members("misc@" + DOMAIN), ["ok@far.test"])
        self.assertEqual(self.list("show", "nosuch@" + DOMAIN, check=False).returncode, 100)


if __name__ == "__main__":
    unittest.main()
