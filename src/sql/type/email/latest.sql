CREATE TYPE email (
    INPUT = email_in,
    OUTPUT = email_out,
    RECEIVE = email_recv,
    SEND = email_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = main
);
COMMENT ON TYPE email IS 'an email address, stored sealed (AES-SIV) and shown as the current role may see it';
