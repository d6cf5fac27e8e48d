"""End-to-end: what the twiddler sessions cannot show — log levels landing
in the main log (and the loglevel filter), autostart of added programs,
reloadConfig after editing the file with runtime changes in play, and a
whitelisted namespace on a second daemon."""
import unittest

from refdtest import Daemon, wait_for, fault


class Log(unittest.TestCase):
    def test_levels_land_in_the_main_log(self):
        with Daemon(loglevel="debug") as d:
            t = d.rpc().twiddler
            for level, code in (("CRIT", "CRIT"), ("erro", "ERRO"), (30, "WARN"), (20.0, "INFO"), ("DEBG", "DEBG")):
                self.assertTrue(t.log("message at %s" % code, level))
            self.assertTrue(t.log("default level"))
            self.assertTrue(t.log("line one\nline two & <x> 100%"))
            log = d.mainlog()
            for code in ("CRIT", "ERRO", "WARN", "INFO", "DEBG"):
                self.assertIn(" %s message at %s\n" % (code, code), log)
            self.assertIn(" INFO default level\n", log)
            self.assertIn(" INFO line one\nline two & <x> 100%\n", log)
            for bad in ("error", "WARNING", "20", 9999, True):
                self.assertEqual(fault(lambda: t.log("x", bad)), (2, "INCORRECT_PARAMETERS"))

    def test_filtered_by_loglevel(self):
        with Daemon(loglevel="warn") as d:
            t = d.rpc().twiddler
            self.assertTrue(t.log("too quiet", "INFO"))
            self.assertTrue(t.log("loud enough", "WARN"))
            log = d.mainlog()
            self.assertNotIn("too quiet", log)
            self.assertIn(" WARN loud enough\n", log)


class Programs(unittest.TestCase):
    def test_added_program_autostarts(self):
        with Daemon() as d:
            s = d.rpc()
            self.assertTrue(s.twiddler.addGroup("dyn", 10))
            self.assertTrue(s.twiddler.addProgramToGroup("dyn", "auto", {"command": "sleep 1000", "startsecs": 0}))
            wait_for(lambda: s.supervisor.getProcessInfo("dyn:auto")["statename"] == "RUNNING", what="autostart")
            self.assertEqual(fault(lambda: s.twiddler.removeProcessFromGroup("dyn", "auto")), (91, "STILL_RUNNING: auto"))
            self.assertTrue(s.supervisor.stopProcess("dyn:auto"))
            self.assertTrue(s.twiddler.removeProcessFromGroup("dyn", "auto"))
            self.assertEqual(fault(lambda: s.supervisor.getProcessInfo("dyn:auto")), (10, "BAD_NAME: dyn:auto"))


class Reload(unittest.TestCase):
    def test_reload_after_editing_the_file(self):
        conf = """
[program:keep]
command=sleep 1000
startsecs=0
[program:grows]
command=sleep 1000
startsecs=0
[program:edited]
command=sleep 1000
startsecs=0
[program:dropped]
command=sleep 1000
startsecs=0
"""
        with Daemon(extra=conf) as d:
            s = d.rpc()
            self.assertEqual(s.supervisor.reloadConfig(), [[[], [], []]])
            s.twiddler.addGroup("runtime", 999)
            s.twiddler.addProgramToGroup("grows", "extra", {"command": "sleep 1000", "autostart": "false"})
            with open(d.conf_path) as f:
                text = f.read()
            text = text.replace("[program:edited]\ncommand=sleep 1000", "[program:edited]\ncommand=sleep 999")
            text = text.replace("[program:dropped]\ncommand=sleep 1000\nstartsecs=0\n", "")
            text += "[program:fresh]\ncommand=sleep 1000\nstartsecs=0\n"
            with open(d.conf_path, "w") as f:
                f.write(text)
            added, changed, removed = s.supervisor.reloadConfig()[0]
            self.assertEqual(added, ["fresh"])
            self.assertEqual(sorted(changed), ["edited", "grows"])     # twiddled config groups count as changed
            self.assertEqual(sorted(removed), ["dropped", "runtime"])  # runtime groups are never in the file
            # Applying it, as supervisorctl update does:
            self.assertTrue(s.supervisor.addProcessGroup("fresh"))
            s.supervisor.stopProcessGroup("dropped")
            self.assertTrue(s.supervisor.removeProcessGroup("dropped"))
            wait_for(lambda: s.supervisor.getProcessInfo("fresh")["statename"] == "RUNNING", what="fresh")
            # A broken file: the fault names the reason, nothing changes.
            with open(d.conf_path, "a") as f:
                f.write("[program:broken]\n")
            code, text = fault(lambda: s.supervisor.reloadConfig())
            self.assertEqual(code, 92)
            self.assertIn("CANT_REREAD: program section program:broken does not specify a command", text)
            self.assertEqual(s.supervisor.getProcessInfo("keep")["statename"], "RUNNING")


class Whitelist(unittest.TestCase):
    def test_second_daemon_with_whitelist(self):
        with Daemon(twiddler_extra="whitelist = getAPIVersion, log") as d:
            t = d.rpc().twiddler
            self.assertEqual(t.getAPIVersion(), "0.1")
            self.assertTrue(t.log("allowed"))
            self.assertEqual(fault(lambda: t.addGroup("x", 1)), (230, "UNKNOWN: addGroup"))
            self.assertEqual(fault(lambda: t.getGroupNames()), (230, "UNKNOWN: getGroupNames"))
            self.assertIn("twiddler.addGroup", d.rpc().system.listMethods())


if __name__ == "__main__":
    unittest.main()
