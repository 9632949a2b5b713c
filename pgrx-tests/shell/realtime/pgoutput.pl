#!/usr/bin/perl
# Decodes what `pg_recvlogical --plugin pgoutput -o proto_version=1` wrote
# (each message followed by a newline) into one line per message:
#   R <schema>.<table> <col>,<col>,...
#   I <schema>.<table> <col>=<text value>|<col>=...   (null as \N)
#   U / D likewise (the new tuple, or the key/old tuple)
#   B, C, T and others by their letter only.
# Text values are printed with newlines and | escaped.
use strict;
use warnings;

local $/;
binmode STDIN;
my $buf = <STDIN>;
my $pos = 0;
my %rel;    # relid -> [qualified name, [column names]]

sub take { my ($n) = @_; my $s = substr($buf, $pos, $n); $pos += $n; return $s; }
sub u8   { return unpack('C', take(1)); }
sub u16  { return unpack('n', take(2)); }
sub u32  { return unpack('N', take(4)); }
sub cstr { my $end = index($buf, "\0", $pos); my $s = substr($buf, $pos, $end - $pos); $pos = $end + 1; return $s; }

sub tuple {
    my ($relid) = @_;
    my $n = u16();
    my @out;
    for my $i (0 .. $n - 1) {
        my $kind = take(1);
        my $name = $rel{$relid} ? $rel{$relid}[1][$i] : "col$i";
        if ($kind eq 'n') { push @out, "$name=\\N"; }
        elsif ($kind eq 'u') { push @out, "$name=(unchanged)"; }
        elsif ($kind eq 't' || $kind eq 'b') {
            my $v = take(u32());
            $v =~ s/\\/\\\\/g; $v =~ s/\n/\\n/g; $v =~ s/\|/\\|/g;
            push @out, "$name=$v";
        }
        else { die "unknown tuple column kind '$kind' at $pos\n"; }
    }
    return join('|', @out);
}

while ($pos < length($buf)) {
    my $type = take(1);
    if ($type eq 'B') { take(20); print "B\n"; }
    elsif ($type eq 'C') { take(25); print "C\n"; }
    elsif ($type eq 'O') { take(8); cstr(); print "O\n"; }
    elsif ($type eq 'Y') { take(4); cstr(); cstr(); print "Y\n"; }
    elsif ($type eq 'R') {
        my $relid = u32();
        my $ns = cstr();
        my $name = cstr();
        take(1);
        my $n = u16();
        my @cols;
        for (1 .. $n) { take(1); push @cols, cstr(); take(8); }
        $rel{$relid} = ["$ns.$name", \@cols];
        print "R $ns.$name ", join(',', @cols), "\n";
    }
    elsif ($type eq 'I') {
        my $relid = u32();
        take(1);    # 'N'
        print "I $rel{$relid}[0] ", tuple($relid), "\n";
    }
    elsif ($type eq 'U') {
        my $relid = u32();
        my $k = take(1);
        if ($k eq 'K' || $k eq 'O') { tuple($relid); take(1); }
        print "U $rel{$relid}[0] ", tuple($relid), "\n";
    }
    elsif ($type eq 'D') {
        my $relid = u32();
        take(1);
        print "D $rel{$relid}[0] ", tuple($relid), "\n";
    }
    elsif ($type eq 'T') { my $n = u32(); take(1); take(4 * $n); print "T\n"; }
    else { die sprintf("unknown pgoutput message '%s' at byte %d\n", $type, $pos - 1); }
    my $nl = take(1);
    die "no newline after a message at byte $pos\n" unless $nl eq "\n";
}
