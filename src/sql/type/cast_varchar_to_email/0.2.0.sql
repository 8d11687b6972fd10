CREATE CAST (varchar AS email) WITH FUNCTION email(text) AS IMPLICIT;
