// Lookups by address with JDBC's defaults: setString sends varchar. The
// lookup must find the row and the plan must use the index. Prints one
// "name|result|plan" line per case. Run as a single-file program:
// java -cp postgresql.jar Lookup.java <jdbc url> <user> <password>
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

public class Lookup {
    public static void main(String[] args) throws Exception {
        try (Connection conn = DriverManager.getConnection(args[0], args[1], args[2])) {
            try (Statement s = conn.createStatement()) {
                s.execute("SET enable_seqscan = off");
            }
            String id = "null";
            try (PreparedStatement p = conn.prepareStatement("SELECT id FROM driver_subs WHERE email = ?")) {
                p.setString(1, "DRIVER.LOOKUP@example.COM");
                try (ResultSet r = p.executeQuery()) {
                    if (r.next())
                        id = Integer.toString(r.getInt(1));
                }
            }
            boolean index = false;
            try (PreparedStatement p = conn.prepareStatement("EXPLAIN (COSTS OFF) SELECT id FROM driver_subs WHERE email = ?")) {
                p.setString(1, "driver.lookup@example.com");
                try (ResultSet r = p.executeQuery()) {
                    while (r.next())
                        index = index || r.getString(1).contains("Index");
                }
            }
            System.out.println("jdbc setString|" + id + "|" + index);
        }
    }
}
