# Rule 5: a vote struck by a recusal stays on the record; one counted vote per member.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0004_decision_log_order_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalvote',
            name='struck_by',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The recusal that struck this vote: it stays on the record but no longer counts (rule 5).', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='decisions.recusal'),
        ),
        migrations.AddField(
            model_name='vote',
            name='struck_by',
            field=models.OneToOneField(blank=True, help_text='The recusal that struck this vote: it stays on the record but no longer counts (rule 5).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='struck_vote', to='decisions.recusal'),
        ),
        migrations.RemoveConstraint(
            model_name='vote',
            name='vote_one_per_member',
        ),
        migrations.AddConstraint(
            model_name='vote',
            constraint=models.UniqueConstraint(condition=models.Q(('struck_by__isnull', True)), fields=('decision', 'membership'), name='vote_one_counted_per_member'),
        ),
    ]
