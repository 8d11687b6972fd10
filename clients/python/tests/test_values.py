"""The value classes and their shapes (no server needed)."""

import copy
import pickle
import unittest

from listguard import Email, MaskedEmail, PseudonymEmail, SealedEmail, WithheldEmail, classify, is_lookup_value


class ShapesTest(unittest.TestCase):
    def test_each_shape_gets_its_class(self):
        """masks, pseudonyms, tokens and addresses are told apart by shape"""
        cases = {
            "j***@example.com": MaskedEmail,
            "J***@Example.com": MaskedEmail,
            "****@example.com": MaskedEmail,  # a quoted local part that starts with a space
            "p.ijhkdaq4fibj@example.com": PseudonymEmail,
            "lg1:AbK6E7UAAAAAAAAAAQAAAAAAAAAKDtBXUK6zeW8Iz0kE1ZU": SealedEmail,
            "jane.doe@example.com": Email,
            "j**@example.com": Email,
            "jo***@example.com": Email,
            "p.ijhkdaq4fib@example.com": Email,  # 11 characters
            "p.ijhkdaq4fib1@example.com": Email,  # "1" is not base32
            "pp.ijhkdaq4fibj@example.com": Email,
        }
        for text, cls in cases.items():
            with self.subTest(text=text):
                value = classify(text)
                self.assertIs(type(value), cls)
                self.assertEqual(value, text)

    def test_flags(self):
        """each class says what it is, and is a str"""
        masked = classify("j***@example.com")
        self.assertTrue(masked.is_masked and masked.is_withheld and not masked.is_clear)
        self.assertEqual((masked.reveal, masked.domain, masked.local_part), ("masked", "example.com", "j***"))
        self.assertTrue(classify("p.ijhkdaq4fibj@example.com").is_pseudonym)
        sealed = classify("lg1:AAAA")
        self.assertTrue(sealed.is_sealed and isinstance(sealed, WithheldEmail))
        self.assertIsNone(sealed.domain)
        clear = classify("Jane@Example.com")
        self.assertTrue(clear.is_clear and not clear.is_withheld)
        self.assertEqual(clear.reveal, "clear")
        self.assertIsInstance(clear, str)
        self.assertEqual(clear.upper(), "JANE@EXAMPLE.COM")
        self.assertIsNone(classify(None))
        self.assertIs(classify(masked), masked)
        self.assertIs(type(classify(b"j***@example.com")), MaskedEmail)

    def test_lookup_values(self):
        """masks and pseudonyms name no address; tokens and addresses do"""
        self.assertFalse(is_lookup_value("j***@example.com"))
        self.assertFalse(is_lookup_value(PseudonymEmail("p.ijhkdaq4fibj@example.com")))
        self.assertTrue(is_lookup_value("lg1:AAAA"))
        self.assertTrue(is_lookup_value("jane@example.com"))
        self.assertTrue(is_lookup_value(None))

    def test_copies_keep_class_and_drop_state(self):
        """pickle and copy give the same class and text, and no adapter state"""
        value = classify("j***@example.com")
        value._owner = lambda: None  # what an adapter might attach
        for clone in (pickle.loads(pickle.dumps(value)), copy.copy(value), copy.deepcopy(value)):
            self.assertIs(type(clone), MaskedEmail)
            self.assertEqual(clone, value)
            self.assertNotIn("_owner", clone.__dict__)
        self.assertEqual(repr(value), "MaskedEmail('j***@example.com')")


if __name__ == "__main__":
    unittest.main()
